import { closeSync, openSync, readSync } from "node:fs";
import { TraceError } from "../scenario/errors.ts";

/** Bytes read at a time; a line with its newline must fit in them. */
const CHUNK_BYTES = 1 << 18;
export const AZURE_HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens";
const ROW = `a row like "2023-11-16 18:17:03.9799600,4808,10" (${AZURE_HEADER})`;
/** Token counts are stored in 32-bit slots. */
const MAX_TOKENS = 2 ** 31 - 1;

const NL = 10;
const CR = 13;
const SPACE = 32;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const COLON = 58;
const T = 84;
const Z = 90;

// Files left open by a reader dropped mid-pass (a run stopped early) are closed when it is collected.
const openFiles = new FinalizationRegistry<number>((fd) => closeSync(fd));

/**
 * The rows of an Azure LLM inference trace CSV (Patel et al., Splitwise, ISCA 2024), front to back.
 * The file is read through one fixed buffer, never held whole, and each row is parsed from its bytes
 * in place: nothing is allocated per row. A header line is optional; blank lines are skipped.
 * Timestamps (`YYYY-MM-DD HH:MM:SS[.fraction][Z|+HH:MM]`) become seconds after the first row's.
 * A row that does not parse, a negative token count or a timestamp earlier than the row before is a
 * TraceError naming the file and line.
 */
export class AzureTraceReader {
  /** The current row: seconds after the first row's timestamp. */
  timeS = 0;
  inputTokens = 0;
  outputTokens = 0;
  /** 1-based line number of the current row. */
  line = 0;
  private fd = -1;
  private readonly buf: Buffer;
  private start = 0;
  private end = 0;
  private filePos = 0;
  private eof = false;
  private day0 = NaN;
  private secondOfDay0 = 0;
  private previousS = -Infinity;
  // The line being parsed: [lineStart, lineEnd) of buf.
  private lineStart = 0;
  private lineEnd = 0;

  /** `chunkBytes`: bytes read at a time, which a line with its newline must fit in; default 256 KiB. */
  constructor(
    readonly file: string,
    chunkBytes = CHUNK_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
    this.open();
  }

  /** Moves to the next row; false at the end of the file, which is then closed. */
  next(): boolean {
    for (;;) {
      if (!this.nextLine()) {
        this.close();
        return false;
      }
      this.line++;
      if (this.lineEnd > this.lineStart && this.buf[this.lineEnd - 1] === CR) this.lineEnd--;
      if (this.lineEnd === this.lineStart) continue;
      if (this.line === 1 && !isDigit(this.buf[this.lineStart])) {
        if (this.lineText() !== AZURE_HEADER) this.fail(this.lineStart, `the header ${AZURE_HEADER} or ${ROW}`);
        continue;
      }
      this.parseRow();
      return true;
    }
  }

  /** Back to the first row (the file is opened again if it was closed). */
  rewind(): void {
    this.close();
    this.start = this.end = this.filePos = this.line = 0;
    this.eof = false;
    this.day0 = NaN;
    this.previousS = -Infinity;
    this.open();
  }

  close(): void {
    if (this.fd < 0) return;
    openFiles.unregister(this);
    closeSync(this.fd);
    this.fd = -1;
  }

  private open(): void {
    try {
      this.fd = openSync(this.file, "r");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a folder, not a file" : (e as Error).message;
      throw new TraceError(this.file, `cannot read the trace: ${why}`);
    }
    openFiles.register(this, this.fd, this);
  }

  /** Frames the next line as [lineStart, lineEnd); false when the file has no more. */
  private nextLine(): boolean {
    for (;;) {
      const buf = this.buf;
      const end = this.end;
      let nl = this.start;
      while (nl < end && buf[nl] !== NL) nl++;
      if (nl < end) {
        this.lineStart = this.start;
        this.lineEnd = nl;
        this.start = nl + 1;
        return true;
      }
      if (this.eof) {
        if (this.start >= this.end) return false;
        this.lineStart = this.start;
        this.lineEnd = this.start = this.end;
        return true;
      }
      this.refill();
    }
  }

  /** Keeps the unread tail of the buffer (a line split across chunks) and reads the next chunk after it. */
  private refill(): void {
    const kept = this.end - this.start;
    if (kept === this.buf.length) {
      throw new TraceError(this.file, `got a line of ${this.buf.length} bytes or more; expected ${ROW}`, this.line + 1);
    }
    this.buf.copyWithin(0, this.start, this.end);
    this.start = 0;
    this.end = kept;
    const n = readSync(this.fd, this.buf, kept, this.buf.length - kept, this.filePos);
    if (this.filePos === 0 && n >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.start = 3;
    this.filePos += n;
    this.end += n;
    if (n === 0) this.eof = true;
  }

  /** Parses [lineStart, lineEnd) in place; locals, not fields, in the loop that runs once per row. */
  private parseRow(): void {
    const buf = this.buf;
    const end = this.lineEnd;
    const from = this.lineStart;
    const year = fixedDigits(buf, from, 4, end);
    const month = fixedDigits(buf, from + 5, 2, end);
    const day = fixedDigits(buf, from + 8, 2, end);
    const hour = fixedDigits(buf, from + 11, 2, end);
    const minute = fixedDigits(buf, from + 14, 2, end);
    const wholeSecond = fixedDigits(buf, from + 17, 2, end);
    const separator = byteAt(buf, from + 10, end);
    if (
      year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || wholeSecond < 0 || wholeSecond > 60 ||
      byteAt(buf, from + 4, end) !== MINUS || byteAt(buf, from + 7, end) !== MINUS || (separator !== SPACE && separator !== T) ||
      byteAt(buf, from + 13, end) !== COLON || byteAt(buf, from + 16, end) !== COLON
    ) {
      this.fail(from, `a timestamp YYYY-MM-DD HH:MM:SS[.fraction] in ${ROW}`);
    }
    let i = from + 19;
    let fraction = 0;
    let unit = 1;
    if (byteAt(buf, i, end) === DOT) {
      i++;
      while (i < end && isDigit(buf[i])) {
        fraction = fraction * 10 + (buf[i] - ZERO);
        unit *= 10;
        i++;
      }
      if (unit === 1) this.fail(i, `digits after the decimal point in ${ROW}`);
    }
    let zoneS = 0;
    const zone = byteAt(buf, i, end);
    if (zone === Z) i++;
    else if (zone === PLUS || zone === MINUS) {
      const colon = byteAt(buf, i + 3, end) === COLON ? 1 : 0;
      const zoneHours = fixedDigits(buf, i + 1, 2, end);
      const zoneMinutes = fixedDigits(buf, i + 3 + colon, 2, end);
      if (zoneHours < 0 || zoneMinutes < 0) this.fail(i, `a time zone like +00:00 or Z after the time in ${ROW}`);
      zoneS = (zone === MINUS ? -1 : 1) * (zoneHours * 3600 + zoneMinutes * 60);
      i += 5 + colon;
    }
    if (byteAt(buf, i, end) !== COMMA) this.fail(i, `"," after the timestamp in ${ROW}`);
    i++;

    const inputFrom = i;
    let input = 0;
    while (i < end && isDigit(buf[i])) {
      input = input * 10 + (buf[i] - ZERO);
      i++;
    }
    if (i === inputFrom || input > MAX_TOKENS) this.badCount(inputFrom, "input tokens");
    if (byteAt(buf, i, end) !== COMMA) this.fail(i, `"," after the input tokens in ${ROW}`);
    i++;
    const outputFrom = i;
    let output = 0;
    while (i < end && isDigit(buf[i])) {
      output = output * 10 + (buf[i] - ZERO);
      i++;
    }
    if (i === outputFrom || output > MAX_TOKENS) this.badCount(outputFrom, "output tokens");
    if (i !== end) this.fail(i, `the end of the line after three columns in ${ROW}`);

    const days = daysFromCivil(year, month, day);
    const secondOfDay = hour * 3600 + minute * 60 + wholeSecond + fraction / unit - zoneS;
    if (Number.isNaN(this.day0)) {
      this.day0 = days;
      this.secondOfDay0 = secondOfDay;
    }
    const t = (days - this.day0) * 86_400 + (secondOfDay - this.secondOfDay0);
    if (t < this.previousS) {
      const back = (this.previousS - t).toFixed(6);
      this.fail(from, `timestamps in order (the trace sorted by time); this row is ${back} s earlier than the one before`, this.lineText().slice(0, 27));
    }
    this.previousS = t;
    this.timeS = t;
    this.inputTokens = input;
    this.outputTokens = output;
  }

  /** The token count at `at` is negative, too large or not a number. */
  private badCount(at: number, what: string): never {
    const end = this.lineEnd;
    let fieldEnd = at;
    while (fieldEnd < end && this.buf[fieldEnd] !== COMMA) fieldEnd++;
    const field = this.buf.toString("utf8", at, fieldEnd);
    if (/^-\d+$/.test(field)) this.fail(at, `a count of ${what} >= 0`, field);
    if (/^\d+$/.test(field)) this.fail(at, `a count of ${what} <= ${MAX_TOKENS}`, field);
    this.fail(at, `a whole number of ${what} in ${ROW}`);
  }

  private lineText(): string {
    return this.buf.toString("utf8", this.lineStart, this.lineEnd);
  }

  /** Throws the TraceError for the current line: what was there (default the whole line), what was expected, and where (byte `at`). */
  private fail(at: number, expected: string, got = this.lineText()): never {
    throw new TraceError(this.file, `got ${JSON.stringify(got)}; expected ${expected}`, this.line, at - this.lineStart + 1);
  }
}

function isDigit(b: number): boolean {
  return b >= ZERO && b <= ZERO + 9;
}

function byteAt(buf: Buffer, i: number, end: number): number {
  return i < end ? buf[i] : -1;
}

/** The number written with exactly `width` digits at i, or -1. */
function fixedDigits(buf: Buffer, i: number, width: number, end: number): number {
  if (i + width > end) return -1;
  let n = 0;
  for (let k = i; k < i + width; k++) {
    const b = buf[k];
    if (b < ZERO || b > ZERO + 9) return -1;
    n = n * 10 + (b - ZERO);
  }
  return n;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
