// The BFS tree, kept to rebuild a counterexample: for each stored state (ids in the order
// states are stored), its parent's id and the decision (index among the parent's enabled
// transitions) that reached it. BFS expands states in id order, so a parent id is the
// previous state's or a little more: each state stores that gap and its decision, one byte
// each (255: the value, or a gap that is large or negative, as between the layers of the
// parallel BFS, is in an overflow list), in 4 KiB pages, so about 2 bytes a state.
// Reading an entry decodes the log from the start: once per counterexample step.

const PAGE = 1 << 12;
const ESCAPE = 255;

export class ParentLog {
  private gaps: Uint8Array[] = [];
  private decisions: Uint8Array[] = [];
  private bigGaps: number[] = [];
  private bigDecisions: number[] = [];
  private lastParent = 0;
  length = 0;

  /** Record a state reached from `parent` (-1: the initial state) by `decision`; returns its id. */
  push(parent: number, decision: number): number {
    const id = this.length++;
    const page = id >>> 12;
    if (page === this.gaps.length) {
      this.gaps.push(new Uint8Array(PAGE));
      this.decisions.push(new Uint8Array(PAGE));
    }
    const at = id & (PAGE - 1);
    const p = parent < 0 ? 0 : parent;
    const gap = p - this.lastParent;
    this.lastParent = p;
    const small = gap >= 0 && gap < ESCAPE;
    this.gaps[page]![at] = small ? gap : ESCAPE;
    if (!small) this.bigGaps.push(gap);
    this.decisions[page]![at] = decision < ESCAPE ? decision : ESCAPE;
    if (decision >= ESCAPE) this.bigDecisions.push(decision);
    return id;
  }

  /** Decode the log from the start to state `id`, giving each state's parent and decision to `f`. */
  private decode(id: number, f: (i: number, parent: number, decision: number) => void): void {
    let p = 0;
    let g = 0;
    let m = 0;
    for (let i = 0; i <= id; i++) {
      const page = i >>> 12;
      const at = i & (PAGE - 1);
      const gap = this.gaps[page]![at]!;
      p += gap === ESCAPE ? this.bigGaps[g++]! : gap;
      const dc = this.decisions[page]![at]!;
      f(i, p, dc === ESCAPE ? this.bigDecisions[m++]! : dc);
    }
  }

  /** The parent (0 for the initial state) and the decision of state `id`. */
  entry(id: number): { parent: number; decision: number } {
    const e = { parent: 0, decision: 0 };
    this.decode(id, (i, parent, decision) => {
      if (i === id) Object.assign(e, { parent, decision });
    });
    return e;
  }

  /** The path (decisions) from the initial state (id 0) to state `id`. */
  path(id: number): number[] {
    const parents = new Float64Array(id + 1);
    const decisions = new Float64Array(id + 1);
    this.decode(id, (i, parent, decision) => {
      parents[i] = parent;
      decisions[i] = decision;
    });
    const path: number[] = [];
    for (let i = id; i !== 0; i = parents[i]!) path.push(decisions[i]!);
    return path.reverse();
  }

  get bytes(): number {
    return this.gaps.length * PAGE * 2 + (this.bigGaps.length + this.bigDecisions.length) * 8;
  }
}
