import { branchNumberOf } from '../../core/erp/codes';
import type { ErpTarget } from '../../core/erp/target';
import { KonnektorError } from '../../core/errors';
import type { OutgoingFilter } from '../contract';

/** The outgoing filter with the target's branch (şube) number, re-checked here: it becomes a query binding. */
export type BranchFilter = OutgoingFilter & { branch?: number };

export function withBranch(target: ErpTarget, filter: OutgoingFilter = {}): BranchFilter {
  const branch = branchNumberOf(target.branch);
  return branch === undefined ? { ...filter } : { ...filter, branch };
}

/** A program whose documents carry no branch: a target naming one is refused rather than read whole. */
export function refuseBranch(title: string, target: ErpTarget): void {
  if (target.branch !== undefined && target.branch.trim() !== '') {
    throw new KonnektorError('ERP_BRANCH_NOT_SUPPORTED', `${title} keeps no branch on its invoices; branch ${target.branch} cannot be read apart`, {
      value: target.branch,
      program: title,
    });
  }
}
