// Userspace mappings: munmap drops the file reference the vma held (vma->vm_file).

import { fput } from './file.ts';
import type { KernelWorld } from './world.ts';

export function vm_munmap(w: KernelWorld, vma: number): void {
  const v = w.vmas[vma]!;
  fput(w, v.file);
  v.file = -1;
}
