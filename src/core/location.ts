// Where in a model's own code an exception came from, for model errors: the first stack
// frame outside node, kmc and installed packages (tsx and vitest map frames to the .ts lines).

/**
 * The first place in a model's own code an exception was thrown from, as `file:line:col`
 * relative to the working directory: the first stack frame outside node and outside kmc.
 */
export function modelLocation(e: unknown, kmcDir: string): string | undefined {
  if (!(e instanceof Error) || typeof e.stack !== 'string') return undefined;
  for (const line of e.stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = decodeURIComponent(m[1]!.replace(/^file:\/\//, ''));
    if (file.startsWith(kmcDir) || file.includes('/node_modules/')) continue;
    const cwd = typeof process === 'object' ? process.cwd() + '/' : '';
    return `${file.startsWith(cwd) ? file.slice(cwd.length) : file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
