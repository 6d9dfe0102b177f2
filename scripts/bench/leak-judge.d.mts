// Types for leak-judge.mjs, which the workerd test suite imports.
export function leaksIn(text: string, markers: readonly string[]): string[];

export interface BodyVerdict {
  leaks: string[];
  problems: string[];
  truncated: boolean;
}

export function judgeBody(input: {
  text: string;
  aborted: boolean;
  expect: "complete" | "cut";
  refused?: readonly string[];
  end?: string | null;
}): BodyVerdict;
