// JUnit XML (the junit-10.xsd shape Jenkins, GitLab and GitHub test reporters read):
// <testsuites> of one <testsuite> per model, one <testcase> per check, with <failure>,
// <error> or <skipped> and a <system-out>. A small hand-written escaper: text and
// attribute values only, characters XML 1.0 cannot hold dropped, terminal colours removed.

export interface JunitCase {
  classname: string;
  name: string;
  /** seconds */
  time: number;
  failure?: { message: string; type: string; body: string };
  error?: { message: string; type: string; body: string };
  skipped?: { message: string };
  out?: string;
}

// eslint-disable-next-line no-control-regex
const NOT_XML =
  /\x1b\[[0-9;]*m|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlText(s: string): string {
  return s.replace(NOT_XML, '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s)
    .replaceAll('"', '&quot;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;')
    .replaceAll('\t', '&#9;');
}

const secs = (t: number) => (Math.round(t * 1000) / 1000).toFixed(3);

/** The document: `name` for <testsuites>, one <testsuite> per classname, in the order met. */
export function renderJunit(name: string, cases: readonly JunitCase[]): string {
  const suites = new Map<string, JunitCase[]>();
  for (const c of cases) suites.set(c.classname, [...(suites.get(c.classname) ?? []), c]);
  const count = (cs: readonly JunitCase[]) => ({
    tests: cs.length,
    failures: cs.filter((c) => c.failure).length,
    errors: cs.filter((c) => c.error).length,
    skipped: cs.filter((c) => c.skipped).length,
    time: cs.reduce((a, c) => a + c.time, 0),
  });
  const all = count(cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(name)}" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" time="${secs(all.time)}">`,
  ];
  for (const [suite, cs] of suites) {
    const n = count(cs);
    lines.push(
      `  <testsuite name="${xmlAttr(suite)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${secs(n.time)}">`,
    );
    for (const c of cs) {
      const head = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}" time="${secs(c.time)}"`;
      const inner: string[] = [];
      if (c.skipped) inner.push(`      <skipped message="${xmlAttr(c.skipped.message)}"/>`);
      if (c.error)
        inner.push(
          `      <error message="${xmlAttr(c.error.message)}" type="${xmlAttr(c.error.type)}">${xmlText(c.error.body)}</error>`,
        );
      if (c.failure)
        inner.push(
          `      <failure message="${xmlAttr(c.failure.message)}" type="${xmlAttr(c.failure.type)}">${xmlText(c.failure.body)}</failure>`,
        );
      if (c.out) inner.push(`      <system-out>${xmlText(c.out)}</system-out>`);
      lines.push(
        inner.length === 0 ? `${head}/>` : `${head}>`,
        ...inner,
        ...(inner.length === 0 ? [] : ['    </testcase>']),
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
