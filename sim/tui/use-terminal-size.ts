import { useStdout } from "ink";
import { useEffect, useState } from "react";

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/**
 * The terminal's width and height, kept up to date when it is resized; Infinity when unknown (not a
 * terminal). The views fit in them: a frame as tall as the terminal makes ink clear the whole screen
 * and its scrollback at every redraw.
 */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({ columns: stdout.columns > 0 ? stdout.columns : Infinity, rows: stdout.rows > 0 ? stdout.rows : Infinity });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return size;
}
