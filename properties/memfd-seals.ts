// Seals are respected: no page of a memfd that forbids writes can be written through any
// mapping: a writable shared mapping of the memfd itself may not exist while it is sealed
// F_SEAL_WRITE (memfd_add_seals refuses the seal while one exists, mmap refuses one once
// sealed), nor a udmabuf over it. A udmabuf exported over a memfd is writable (O_RDWR, shared PFN mappings), so:
//   - none of its pins may have been taken while the memfd had F_SEAL_WRITE or
//     F_SEAL_FUTURE_WRITE (check_memfd_seals must refuse, and the check must hold until the pin);
//   - F_SEAL_WRITE may not be in place while it holds a pin (memfd_wait_for_pins refuses the
//     seal). F_SEAL_FUTURE_WRITE added later is allowed: it leaves existing writable
//     mappings and pins alone by design (memfd_add_seals does not wait for pins for it).

import { always, type Property } from '../src/index.ts';
import { F_SEAL_WRITE, showSeals } from '../model/kernel/memfd.ts';
import type { UdmabufWorld } from '../model/kernel/udmabuf.ts';
import { findVma, VM_SHARED, VM_WRITE } from '../model/kernel/world.ts';

export const sealedMemfdWritable: Property<UdmabufWorld> = always(
  'sealed-memfd-writable',
  'no page of a memfd that forbids writes is writable through a mapping of it or an exported udmabuf',
  ({ world: w }) => {
    for (const m of w.memfds) {
      if (!(m.seals & F_SEAL_WRITE)) continue;
      const writer = findVma(w, (_pid, v) =>
        v.vm_file >= 0 &&
        w.files[v.vm_file]!.inode === m.inode &&
        (v.vm_flags & (VM_SHARED | VM_WRITE)) === (VM_SHARED | VM_WRITE)
          ? v.owner
          : undefined,
      );
      if (writer !== undefined)
        return `${m.name} is sealed ${showSeals(m.seals)}, yet ${writer} has it mapped shared and writable`;
    }
    for (const [i, u] of w.udmabufs.entries()) {
      if (u.freed || u.dmabuf < 0 || w.dmabufs[u.dmabuf]!.freed) continue;
      for (const [fi, f] of w.folios.entries()) {
        const pin = f.pins.find((p) => p.holder === `ubuf${i}`);
        if (!pin) continue;
        const m = w.memfds[f.memfd]!;
        if (pin.writeSealed)
          return `dmabuf${u.dmabuf} (ubuf${i}) writes folio${fi} of ${m.name}, pinned while the memfd was sealed ${showSeals(m.seals)}`;
        if (m.seals & F_SEAL_WRITE)
          return `${m.name} is sealed ${showSeals(m.seals)}, yet dmabuf${u.dmabuf} (ubuf${i}) holds folio${fi} pinned for writing`;
      }
    }
    return undefined;
  },
);
