/**
 * How each DAG node kind looks: a shape of its own and a colour family, so a reader can tell a fork
 * from a merge at a glance, and a caption so that colour is never the only cue.
 */
import type { DagNodeKind } from '../shared/dagModel';

export type Shape =
  | 'stadium'
  | 'double-stadium'
  | 'rounded'
  | 'hexagon'
  | 'subroutine'
  | 'tag'
  | 'trapezoid'
  | 'inverted-trapezoid'
  | 'dashed-trapezoid'
  | 'house-down'
  | 'ellipse'
  | 'parallelogram'
  | 'reverse-parallelogram'
  | 'diamond'
  | 'small-diamond'
  | 'double-diamond'
  | 'octagon'
  | 'double-rounded';

/** Colour families; the CSS maps each to a VS Code theme colour. */
export type Family = 'io' | 'agent' | 'call' | 'concurrency' | 'routing' | 'loop';

export interface KindStyle {
  readonly shape: Shape;
  readonly family: Family;
  /** Small text above the label, and the legend entry. */
  readonly caption: string;
  /** The Nexa syntax the kind comes from, for the legend's tooltip. */
  readonly syntax: string;
}

export const KIND_STYLES: Readonly<Record<DagNodeKind, KindStyle>> = {
  input: { shape: 'stadium', family: 'io', caption: 'input', syntax: 'the flow’s input' },
  output: { shape: 'double-stadium', family: 'io', caption: 'output', syntax: 'the flow’s result' },
  agent: { shape: 'rounded', family: 'agent', caption: 'agent', syntax: 'agent Name { … }' },
  tool: { shape: 'hexagon', family: 'call', caption: 'tool', syntax: 'tool / @tool fn' },
  flow_call: { shape: 'subroutine', family: 'call', caption: 'flow call', syntax: 'other_flow(x)' },
  pipe_call: { shape: 'tag', family: 'call', caption: 'pipe', syntax: 'a |> f' },
  fork: { shape: 'trapezoid', family: 'concurrency', caption: 'fork', syntax: 'a |>> [A, B]' },
  merge: { shape: 'inverted-trapezoid', family: 'concurrency', caption: 'merge', syntax: '[A, B] &>> M' },
  consensus: { shape: 'octagon', family: 'concurrency', caption: 'consensus', syntax: '[A, B] && J' },
  fire_and_forget: { shape: 'dashed-trapezoid', family: 'concurrency', caption: 'fire & forget', syntax: 'a || [A, B]' },
  join: { shape: 'house-down', family: 'concurrency', caption: 'join', syntax: 'join(A, B)' },
  spawn: { shape: 'parallelogram', family: 'concurrency', caption: 'spawn', syntax: 'spawn Name(…)' },
  await: { shape: 'reverse-parallelogram', family: 'concurrency', caption: 'await', syntax: 'await h' },
  branch: { shape: 'diamond', family: 'routing', caption: 'branch', syntax: 'x ?? A : B' },
  coalesce: { shape: 'small-diamond', family: 'routing', caption: 'coalesce', syntax: 'a ?? b' },
  intent_match: { shape: 'ellipse', family: 'routing', caption: 'intent match', syntax: 'match x { intent("…") => … }' },
  semantic_if: { shape: 'double-diamond', family: 'routing', caption: 'semantic_if', syntax: 'semantic_if "…" against x' },
  loop: { shape: 'double-rounded', family: 'loop', caption: 'loop', syntax: 'loop { … } until …' },
};

/** Shapes whose slanted or pointed sides eat into the box: the label needs more room across. */
export function horizontalPadding(shape: Shape): number {
  switch (shape) {
    case 'diamond':
    case 'double-diamond':
    case 'small-diamond':
      return 44;
    case 'hexagon':
    case 'trapezoid':
    case 'inverted-trapezoid':
    case 'dashed-trapezoid':
    case 'parallelogram':
    case 'reverse-parallelogram':
    case 'octagon':
    case 'ellipse':
      return 30;
    case 'subroutine':
    case 'tag':
      return 26;
    default:
      return 18;
  }
}

/** Diamonds need to be taller than boxes for a label to fit inside them. */
export function minimumHeight(shape: Shape): number {
  switch (shape) {
    case 'diamond':
    case 'double-diamond':
      return 64;
    case 'small-diamond':
      return 56;
    default:
      return 46;
  }
}
