/**
 * Ctrl+C (SIGINT) or SIGTERM while runs go on: the first asks them to stop (they write partial results
 * marked incomplete, and the command exits with 130); a second one exits at once.
 */
export function onInterrupt(stop: () => void): { readonly interrupted: () => boolean; dispose(): void } {
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) stop();
    else process.exit(130);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    interrupted: () => count > 0,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

export const EXIT_INTERRUPTED = 130;
