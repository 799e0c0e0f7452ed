// GitHub Actions workflow commands (`::error file=...,line=...::message`): the runner shows
// each as an annotation on the file and line, in the job summary and the pull request.

const data = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const prop = (s: string) => data(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
  /** relative to the workspace */
  file?: string | undefined;
  line?: number | undefined;
}

export function githubAnnotation(a: Annotation): string {
  const props = [
    a.file !== undefined ? `file=${prop(a.file)}` : '',
    a.file !== undefined && a.line !== undefined ? `line=${a.line}` : '',
    `title=${prop(a.title)}`,
  ].filter(Boolean);
  return `::${a.level} ${props.join(',')}::${data(a.message)}\n`;
}
