/** Shapes shared by the generated schematron checks and the engine that runs them. */
import type { DocContext } from './runtime';
import type { XNode } from './tree';

/** One step of a rule context, read from the node upward: its name test and how it relates to the step above. */
export interface MatchStep {
  sep: '/' | '//';
  axis: 'child' | 'attribute';
  /** Namespace URI to match; absent = any. */
  ns?: string;
  /** Local name to match; absent = any. */
  local?: string;
}

export interface CompiledAssertion {
  kind: 'assert' | 'report';
  /** The GİB rule (abstract rule id, or the rule's own id/context). */
  ruleId: string;
  /** The test as the SVRL writes it (attribute value template applied). */
  test: string;
  role?: string;
  flag?: string;
  /** The test's effective boolean value on the context node. */
  check: (n: XNode, d: DocContext) => boolean;
  /** The message text before whitespace normalisation. */
  message: (n: XNode, d: DocContext) => string;
}

export interface CompiledRule {
  /** The rule context as written (the SVRL's fired-rule/@context). */
  context: string;
  absolute: boolean;
  /** The context's steps from the node upward. */
  match: MatchStep[];
  assertions: CompiledAssertion[];
}

export interface CompiledPattern {
  id: string;
  rules: CompiledRule[];
}
