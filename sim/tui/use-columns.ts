import { useStdout } from "ink";
import { useEffect, useState } from "react";

/** The terminal's width in columns, kept up to date when it is resized; Infinity when unknown (not a terminal). */
export function useColumns(): number {
  const { stdout } = useStdout();
  const read = () => (stdout.columns > 0 ? stdout.columns : Infinity);
  const [columns, setColumns] = useState(read);
  useEffect(() => {
    const onResize = () => setColumns(read());
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return columns;
}
