// Colour on a terminal only: FORCE_COLOR (not 0) turns it on anywhere, NO_COLOR off, else
// it follows whether the stream is a TTY. Never in --json or --junit output.

export type Paint = (colour: 'green' | 'red' | 'yellow', text: string) => string;

const CODES = { green: 32, red: 31, yellow: 33 } as const;

export function colourOn(stream: { isTTY?: boolean }, isStdio: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isStdio && stream.isTTY === true;
}

export const paint = (on: boolean): Paint => (on ? (c, t) => `\x1b[${CODES[c]}m${t}\x1b[39m` : (_c, t) => t);
