// Small readers of sysfs attributes that turn an unreadable entry into a Problem instead of
// an exception, so one broken device never stops discovery of the others.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { ERROR_CODES, type Problem, problem } from '../errors.ts';

export class SysfsReader {
  readonly problems: Problem[] = [];

  private fail(path: string, error: unknown): undefined {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    this.problems.push(problem(ERROR_CODES.SYSFS_UNREADABLE, `cannot read (${reason})`, path));
    return undefined;
  }

  /** The trimmed text of a file; `optional` files that do not exist are not problems. */
  text(path: string, optional = false): string | undefined {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch (error) {
      if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return this.fail(path, error);
    }
  }

  integer(path: string, optional = false): number | undefined {
    const text = this.text(path, optional);
    if (text === undefined) return undefined;
    const value = Number.parseInt(text, 10);
    if (!Number.isInteger(value) || !/^-?\d+$/.test(text)) {
      this.problems.push(problem(ERROR_CODES.SYSFS_UNREADABLE, `not an integer: "${text}"`, path));
      return undefined;
    }
    return value;
  }

  /** A PCI id file ("0x8086") as four lower-case hex digits. */
  pciId(path: string): string | undefined {
    const text = this.text(path);
    if (text === undefined) return undefined;
    const match = /^(?:0x)?([0-9a-fA-F]{4})$/.exec(text);
    if (!match?.[1]) {
      this.problems.push(problem(ERROR_CODES.SYSFS_UNREADABLE, `not a PCI id: "${text}"`, path));
      return undefined;
    }
    return match[1].toLowerCase();
  }

  /** The last element of a symlink's target (driver, iommu_group, physfn); undefined if absent. */
  linkName(path: string): string | undefined {
    try {
      return basename(readlinkSync(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return this.fail(path, error);
    }
  }

  entries(path: string, optional = false): string[] {
    try {
      return readdirSync(path);
    } catch (error) {
      if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.fail(path, error);
      return [];
    }
  }
}
