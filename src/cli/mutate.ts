// kmc mutate <model|file> [--variant v ...] [--operators noop,guard,...] [--min-score p] [--json]
// How strong a model's properties are: its mutants (src/mutate/), each checked exhaustively
// against the variants expected to hold; the score, every survivor in C terms, the declared
// harmless ones with their reasons, the crashes and the equivalent mutants.

import {
  mutateAsync,
  NotHolding,
  holdingVariants,
  type MutantResult,
  type MutateResult,
  type Outcome,
} from '../mutate/mutate.ts';
import { OPERATORS, type Operator } from '../mutate/operators.ts';
import { didYouMean } from '../core/suggest.ts';
import { flag, list, str, variantOf, type Command, type Parsed } from './args.ts';
import { EXIT, UsageError } from './errors.ts';
import { interruptedLine, onInterrupt } from './interrupt.ts';
import type { Io } from './io.ts';
import type { Project } from './project.ts';

/** the --json document's version */
export const MUTATE_SCHEMA = 'kmc-mutate/1';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The order mutants are listed in: what the author must look at first. */
const SHOWN: readonly Outcome[] = ['survived', 'harmless', 'crashed', 'incomplete', 'equivalent'];

function showResult(r: MutateResult, minScore: number | undefined): string {
  const c = r.counts;
  const lines = [
    `kmc mutate ${r.model}: ${r.mutants.length} mutants (${r.operators.join(', ')}), each checked exhaustively (bfs) on ${r.variants.map((v) => `${v} (${r.states[v]} states)`).join(', ')}`,
    `score ${pct(r.score)}: ${c.killed} killed of ${c.killed + c.survived}; not counted: ${c.equivalent} equivalent (same reachable states), ${c.harmless} declared harmless, ${c.crashed} crashed (model error), ${c.incomplete} incomplete${minScore !== undefined ? `; --min-score ${pct(minScore)}: ${r.score >= minScore ? 'met' : 'NOT MET'}` : ''}`,
  ];
  const byOperator = OPERATORS.filter((o) => r.operators.includes(o)).map((o) => {
    const ms = r.mutants.filter((m) => m.mutation.operator === o);
    return `${o} ${ms.filter((m) => m.outcome === 'killed').length}/${ms.filter((m) => m.outcome === 'killed' || m.outcome === 'survived').length}`;
  });
  lines.push(`killed by operator: ${byOperator.join(', ')}`);
  const width = Math.max(0, ...r.mutants.filter((m) => m.outcome !== 'killed').map((m) => m.id.length));
  for (const outcome of SHOWN) {
    for (const m of r.mutants.filter((x) => x.outcome === outcome))
      lines.push(`${outcome.padEnd(10)} ${m.id.padEnd(width)}  ${m.description}${detail(m)}`);
  }
  for (const id of r.stale) lines.push(`stale      ${id}: declared harmless, but no such mutant is generated`);
  return lines.join('\n') + '\n';
}

function detail(m: MutantResult): string {
  if (m.outcome === 'harmless') return `\n${''.padEnd(11)}harmless because: ${m.message}`;
  if (m.outcome === 'crashed' || m.outcome === 'incomplete') return `\n${''.padEnd(11)}${m.message}`;
  return '';
}

function operatorsOf(p: Parsed): Operator[] | undefined {
  const raw = list(p, 'operators');
  if (raw === undefined) return undefined;
  const names = raw
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const n of names) {
    if (!(OPERATORS as readonly string[]).includes(n))
      throw new UsageError(
        `mutate: unknown operator '${n}'${didYouMean(n, OPERATORS)} (operators: ${OPERATORS.join(', ')})`,
      );
  }
  return OPERATORS.filter((o) => names.includes(o));
}

function minScoreOf(p: Parsed): number | undefined {
  const raw = str(p, 'min-score');
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(raw);
  if (!m || Number(m[1]) > 100) throw new UsageError(`--min-score must be a percentage from 0 to 100, got '${raw}'`);
  return Number(m[1]) / 100;
}

export const mutateCommand: Command = {
  name: 'mutate',
  args: '<model|file>',
  summary:
    "how strong a model's properties are: its mutants, checked against the variants that hold; the score and every survivor",
  options: {
    variant: {
      type: 'string',
      multiple: true,
      value: 'v',
      help: 'only these holding variants (default: every variant expected to hold)',
    },
    operators: {
      type: 'string',
      multiple: true,
      value: 'a,b',
      help: `only these operators (${OPERATORS.join(', ')}; default all)`,
    },
    'min-score': { type: 'string', value: 'p', help: 'exit 1 when the score is below p percent' },
    json: { type: 'boolean', help: `print one ${MUTATE_SCHEMA} JSON document` },
  },
  more: [
    'operators: noop (a call whose result is unused removed at one call site), guard (a guard dropped),',
    '  fault (an injected error not checked), goto (an injected error sent to another error label, or',
    '  straight out), swap (two steps with one successor each swapped), order (adjacent orderings blocks',
    '  swapped, a block moved earlier).',
    'score: killed / (killed + survived); equivalent, declared-harmless, crashed and incomplete mutants',
    '  are listed, not counted.',
    'exit codes: 0 done (and the score is at least --min-score), 1 the score is below --min-score, or a',
    '  variant expected to hold does not, 2 bad input, 4 model error in the unmutated model.',
  ].join('\n'),
  run: (p, io, project) => runMutate(p, io, project),
};

async function runMutate(p: Parsed, io: Io, project: Project): Promise<number> {
  if (p.positionals.length !== 1) throw new UsageError('mutate takes one model (kmc list shows them)');
  const operators = operatorsOf(p);
  const minScore = minScoreOf(p);
  const json = flag(p, 'json');
  const m = await project.model(p.positionals[0]!);
  const holding = holdingVariants(m);
  const asked = list(p, 'variant')?.map((v) => variantOf(m, v));
  for (const v of asked ?? []) {
    if (!holding.includes(v))
      throw new UsageError(
        `mutate: variant ${v} of ${m.name} is not expected to hold (mutants are checked against those that hold: ${holding.join(', ') || 'none'})`,
      );
  }
  if (holding.length === 0)
    throw new UsageError(`mutate: model ${m.name} has no variant expected to hold, so no mutant can be killed`);
  let r: MutateResult;
  // Ctrl-C: the mutant being checked finishes (each is a bounded bfs), the rest are not
  const interrupt = onInterrupt();
  try {
    r = await mutateAsync(m, {
      ...(asked ? { variants: asked } : {}),
      ...(operators ? { operators } : {}),
      signal: interrupt.signal,
    });
  } catch (e) {
    if (e instanceof NotHolding) {
      io.err(`kmc: ${e.message}\n`);
      return EXIT.unexpected;
    }
    throw e;
  } finally {
    interrupt.dispose();
  }
  if (r.interrupted) {
    const c = r.counts;
    io.err(
      interruptedLine(
        interrupt.signal,
        `${r.interrupted.checked} of ${r.interrupted.of} mutants checked in ${(r.milliseconds / 1000).toFixed(1)} s (${c.killed} killed, ${c.survived} survived, ${c.crashed} crashed, ${c.incomplete} incomplete, ${c.equivalent} equivalent, ${c.harmless} harmless); no score`,
      ),
    );
    return EXIT.interrupted;
  }
  if (json) {
    const doc = {
      schema: MUTATE_SCHEMA,
      model: r.model,
      variants: r.variants,
      operators: r.operators,
      states: r.states,
      score: r.score,
      minScore: minScore ?? null,
      counts: r.counts,
      stale: r.stale,
      milliseconds: r.milliseconds,
      mutants: r.mutants.map((x) => ({
        id: x.id,
        operator: x.mutation.operator,
        description: x.description,
        outcome: x.outcome,
        variants: x.variants,
        variant: x.variant ?? null,
        property: x.property ?? null,
        length: x.length ?? null,
        message: x.message ?? null,
        states: x.states,
      })),
    };
    io.out(JSON.stringify(doc, null, 2) + '\n');
  } else io.out(showResult(r, minScore));
  return minScore !== undefined && r.score < minScore ? EXIT.unexpected : EXIT.ok;
}
