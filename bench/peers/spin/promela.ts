// The dma-heap alloc-and-read model (model/dma-heap/alloc-and-read.ts) in Promela, generated
// from the same parameters, so that SPIN and kmc explore the same state space.
//
// Mapping (what makes the state counts equal when both run without reductions):
// - Every piece of kmc state that can vary is a global variable: the world (file f_count and
//   freed flags, the inode's size and deny-write count, page frames, the one dma-buf, the
//   mappings, the fd table, the observations and the ioctl's return), each thread's program
//   counter (`<thread>_pc`, one byte per label) and locals, and the fault count. Lists that
//   grow in kmc (files, vmas, observations, the ioctl's page list) are fixed arrays plus a
//   length, and slots past the length are always 0, so one kmc state is one Promela state.
//   Values that never vary (names, kinds, the dma-buf's file and source) are constants.
// - One kmc transition (thread, choice) is one Promela `d_step`: each thread is an active
//   proctype looping over one option per (step, choice); the option's guard is
//   `pc == step` (plus `faults < MAXFAULTS` for a fault choice), its body the step's effect
//   and the jump to the next label. The proctype's own pc is always the loop head, so it
//   adds nothing to the state count. Temporaries are `hidden` (not in the state vector).
// - Choices are separate options (fd numbers 0..rlimit-1 for the guesser and the closer;
//   'ok' and each fault, the fault options guarded by the fault budget), in kmc's order.
// - A returned thread sits at pc DONE inside its loop: no option is enabled, the process
//   never terminates, so SPIN has no extra "-end-" transitions; the loop is labelled `end`
//   so that the terminal states (every thread DONE) are valid end states, as in kmc.
// - Properties: `always` properties are asserted at the end of every d_step (that is, in
//   every state reached), `leak` (atEnd) when every thread is DONE, and the in-step
//   violations (use-after-free, double-free) are asserts at the access, like kmc's
//   violation() calls. The initial state holds them all, as in kmc.
// Not ported: fd fillers (the bench does not use them).

import {
  blocks as modelBlocks,
  FILE_FD,
  HEAP_FD,
  params as defaults,
  type Params,
} from '../../../model/dma-heap/alloc-and-read.ts';
import { EBADF, EFAULT, EINVAL, EIO, EMFILE, ENOMEM, ETXTBSY } from '../../../model/kernel/errno.ts';

export interface PromelaOptions {
  /** maximum injected faults on one path (the model's `faults`, default 1) */
  faults?: number;
}

interface Opt {
  /** extra guard, e.g. the fault budget */
  guard?: string;
  body: string;
}
type Steps = Record<string, Opt[]>;
type BlockFn = (next: string) => Steps;

/** The parameters the port follows; any other parameter must be off (false/0). */
const PORTED = {
  pages: 1,
  rlimit: 1,
  guessers: 1,
  closers: 1,
  truncaters: 1,
  fillers: 1,
  copyToUserFaults: 1,
  order: 1,
};

const FILE_HEAP = 0;
const FILE_REGULAR = 1;
const FILE_DMABUF = 2;

export function promela(overrides: Partial<Params> = {}, opts: PromelaOptions = {}): string {
  const p: Params = { ...defaults, ...overrides };
  if (p.fillers !== 0) throw new Error('the Promela port has no fd fillers');
  for (const [k, v] of Object.entries(p)) {
    if (!(k in PORTED) && v) throw new Error(`the Promela port does not model parameter ${k}=${String(v)}`);
  }
  const P = p.pages;
  const R = p.rlimit;
  const G = p.guessers;
  const maxFaults = opts.faults ?? 1;
  const order = p.order.split(',');
  const installAt = Math.max(order.indexOf('dma_buf_fd'), order.indexOf('fd_install'));
  const copyUnwinds = order.indexOf('copy_to_user') < installAt;

  // program counter values: the index of the label among the thread's steps (DONE: 255)
  const mb = modelBlocks(p);
  const ioctlLabels = [
    'dma_heap_ioctl',
    ...order.flatMap((name) => Object.keys(mb[name]?.('return') ?? {})),
    'error_put',
    'error_file',
    'put_unused_fd',
    'return',
  ];
  const threadLabels: Record<string, string[]> = {
    g: ['mmap', 'read_mapping', 'munmap'],
    c: ['close'],
    u: ['truncate'],
  };

  const ok = (body: string): Opt => ({ body });
  const fault = (body: string): Opt => ({ guard: 'faults < MAXFAULTS', body: `faults++; ${body}` });
  const goto = (l: string) => `ioctl_pc = ${pcName('ioctl', l)}`;
  const fail = (ret: number, l: string) => `ret = ${ret}; ${goto(l)}`;
  const unwindFd = `if :: (lfd >= 0 && !installed) -> ${goto('put_unused_fd')} :: else -> ${goto('return')} fi`;

  const blocks: Record<string, BlockFn> = {
    get_unused_fd_flags: (next) => ({
      // -EMFILE undoes what the blocks before it did, as the model's unwind() does
      get_unused_fd_flags: [
        ok(
          `get_unused_fd_flags(t0); if :: t0 < 0 -> ret = t0; ` +
            `if :: dmabuf >= 0 -> ${goto('error_put')} :: dmabuf < 0 && lfile >= 0 -> ${goto('error_file')} :: else -> ${unwindFd} fi ` +
            `:: else -> lfd = t0; ${goto(next)} fi`,
        ),
      ],
    }),
    init_dma_heap_file: (next) => ({
      init_dma_heap_file: [
        ok(
          `fget(${FILE_FD}, t0); if :: t0 < 0 -> ret = ${-EINVAL}; ${unwindFd} :: else -> assert(t0 == ${FILE_REGULAR}); lfile = t0; fsize = isize; ${goto(next)} fi`,
        ),
      ],
    }),
    system_heap_allocate: (next) => ({
      // the buffer kzalloc returned (the model's local `buffer`: set once, never cleared)
      kzalloc: [ok(`kbuf = true; ${goto('alloc_largest_available')}`), fault(fail(-ENOMEM, 'error_file'))],
      alloc_largest_available: [
        ok(
          `alloc_page(t0); if :: t0 < 0 -> ${fail(-ENOMEM, 'free_buffer')} :: else -> lpages[npages] = t0; npages++; ` +
            `if :: npages < fsize -> ${goto('alloc_largest_available')} :: else -> ${goto('dma_buf_export')} fi fi`,
        ),
        fault(fail(-ENOMEM, 'free_buffer')),
      ],
      dma_buf_export: [
        ok(
          `nfiles = 3; fcount[${FILE_DMABUF}] = 1; ndmabufs = 1; dn = npages; ` +
            `ti = 0; do :: ti < npages -> dpages[ti] = lpages[ti]; ti++ :: else -> break od; dmabuf = 0; ${goto(next)}`,
        ),
        fault(fail(-ENOMEM, 'free_buffer')),
      ],
      free_buffer: [
        ok(
          `ti = 0; do :: ti < npages -> free_page(lpages[ti]); lpages[ti] = 0; ti++ :: else -> break od; npages = 0; ${goto('error_file')}`,
        ),
      ],
    }),
    dma_heap_read_file_sync: (next) => ({
      dma_buf_vmap: [ok(`dmabuf_live(); dvmaps++; ${goto('kernel_read_file')}`), fault(fail(-ENOMEM, 'error_put'))],
      kernel_read_file: [
        ok(
          `idenyw++; lisize = isize; copied = 0; if :: lisize <= 0 -> ${fail(-EINVAL, 'allow_write_access')} :: else -> fsize = lisize; ${goto('kernel_read')} fi`,
        ),
      ],
      kernel_read: [
        ok(
          // vfs_read stops at the i_size of now: a truncate since kernel_read_file reads 0 bytes, the loop breaks
          `if :: copied >= isize -> ${goto('allow_write_access')} :: else -> ` +
            `page_live(dpages[copied]); pdata[dpages[copied]] = copied; copied++; ` +
            `if :: (copied < npages && copied < lisize) -> ${goto('kernel_read')} :: else -> ${goto('allow_write_access')} fi fi`,
        ),
        fault(fail(-EIO, 'allow_write_access')),
      ],
      allow_write_access: [
        ok(
          `idenyw--; if :: (ret != 0 || copied != lisize) -> ret = ${-EIO} :: else -> skip fi; ${goto('dma_buf_vunmap')}`,
        ),
      ],
      dma_buf_vunmap: [
        ok(`dmabuf_live(); dvmaps--; if :: ret == 0 -> ${goto(next)} :: else -> ${goto('error_put')} fi`),
      ],
    }),
    dma_buf_fd: (next) => ({
      dma_buf_fd: [
        ok(
          `get_unused_fd_flags(t0); if :: t0 < 0 -> ret = t0; ${goto('error_put')} :: else -> fd_install(t0, ${FILE_DMABUF}); lfd = t0; installed = true; ${goto(next)} fi`,
        ),
      ],
    }),
    fd_install: (next) => ({ fd_install: [ok(`fd_install(lfd, ${FILE_DMABUF}); installed = true; ${goto(next)}`)] }),
    deinit_dma_heap_file: (next) => ({ deinit_dma_heap_file: [ok(`fput(lfile); lfile = -1; ${goto(next)}`)] }),
    copy_to_user: (next) => ({
      copy_to_user: [
        ok(goto(next)),
        ...(p.copyToUserFaults ? [fault(fail(-EFAULT, copyUnwinds ? 'error_put' : 'return'))] : []),
      ],
    }),
  };

  // sequence(): chain the blocks, the last falling through to 'return'
  const chained: Steps[] = [];
  let next = 'return';
  for (const name of [...order].reverse()) {
    const block = blocks[name];
    if (!block) throw new Error(`the Promela port has no block '${name}'`);
    const steps = block(next);
    const theirs = Object.keys(mb[name]?.(next) ?? {});
    if (JSON.stringify(Object.keys(steps)) !== JSON.stringify(theirs))
      throw new Error(`block ${name}: the port has steps ${Object.keys(steps)}, the model ${theirs}`);
    next = Object.keys(steps)[0]!;
    chained.unshift(steps);
  }
  const ioctl: Steps = {
    dma_heap_ioctl: [
      ok(
        `fget(${HEAP_FD}, t0); if :: t0 < 0 -> ret = ${-EBADF}; ioctl_pc = DONE :: else -> heap = t0; ` +
          `${goto(order[0] === 'get_unused_fd_flags' ? 'get_unused_fd_flags' : 'init_dma_heap_file')} fi`,
      ),
    ],
    ...Object.assign({}, ...chained),
    error_put: [ok(`if :: dmabuf >= 0 -> fput(${FILE_DMABUF}) :: else -> skip fi; ${goto('error_file')}`)],
    error_file: [ok(`if :: lfile >= 0 -> fput(lfile) :: else -> skip fi; lfile = -1; ${unwindFd}`)],
    put_unused_fd: [ok(`reserved[lfd] = false; ${goto('return')}`)],
    return: [
      ok(
        `nret = 1; if :: ret == 0 -> retval = lfd :: else -> retval = ret fi; retfile = (dmabuf >= 0); ` +
          `fput(heap); ioctl_pc = DONE`,
      ),
    ],
  };

  const guesser = (i: number): Steps => ({
    mmap: Array.from({ length: R }, (_, fd) =>
      ok(
        `fget(${fd}, t0); if :: t0 < 0 -> g${i}_pc = DONE ` +
          `:: t0 >= 0 && t0 != ${FILE_DMABUF} -> fput(t0); g${i}_pc = DONE ` +
          `:: else -> dmabuf_live(); get_file(t0); vfile[nvmas] = t0; vowner[nvmas] = ${i}; nvmas++; fput(t0); ` +
          `g${i}_fd = ${fd}; g${i}_vma = nvmas - 1; g${i}_pc = ${pcName(`g${i}`, 'read_mapping')} fi`,
      ),
    ),
    read_mapping: [
      ok(
        `ti = 0; do :: ti < dn -> page_live(dpages[ti]); ti++ :: else -> break od; filled_pages(); ` +
          `othread[nobs] = ${i}; ofd[nobs] = g${i}_fd; ofilled[nobs] = tf; oexpected[nobs] = te; nobs++; g${i}_pc = ${pcName(`g${i}`, 'munmap')}`,
      ),
    ],
    munmap: [ok(`fput(vfile[g${i}_vma]); vfile[g${i}_vma] = -1; g${i}_pc = DONE`)],
  });
  const closer = (i: number): Steps => ({
    close: Array.from({ length: R }, (_, fd) =>
      ok(
        `if :: FDT(${fd}) >= 0 -> t0 = FDT(${fd}); fdtx[${fd}] = -1 - FDT0(${fd}); fput(t0) :: else -> skip fi; c${i}_pc = DONE`,
      ),
    ),
  });
  const truncSize = Math.max(1, P - 1);
  const truncater = (i: number): Steps => ({
    truncate: [
      ok(
        `if :: idenyw > 0 -> u${i}_ret = ${-ETXTBSY} :: else -> isize = ${truncSize}; u${i}_ret = 0 fi; u${i}_pc = DONE`,
      ),
    ],
  });

  const threads: { name: string; steps: Steps }[] = [
    { name: 'ioctl', steps: ioctl },
    ...Array.from({ length: G }, (_, i) => ({ name: `g${i}`, steps: guesser(i) })),
    ...Array.from({ length: p.closers }, (_, i) => ({ name: `c${i}`, steps: closer(i) })),
    ...Array.from({ length: p.truncaters }, (_, i) => ({ name: `u${i}`, steps: truncater(i) })),
  ];
  const allDone = threads.map((t) => `${t.name}_pc == DONE`).join(' && ');
  const G1 = Math.max(G, 1);

  const out: string[] = [];
  out.push(`/* Generated by bench/peers/spin/promela.ts from model/dma-heap/alloc-and-read.ts: do not edit.`);
  out.push(`   params: ${JSON.stringify(p)} faults: ${maxFaults} */`);
  out.push('');
  out.push(
    `#define FDT0(i) ((i) == ${HEAP_FD} -> ${FILE_HEAP} : ((i) == ${FILE_FD} -> ${FILE_REGULAR} : -1))`,
    `#define FDT(i) (fdtx[i] + FDT0(i))`,
  );
  out.push(`#define NPAGES ${P}`, `#define RLIMIT ${R}`, `#define MAXFAULTS ${maxFaults}`, `#define DONE 255`, '');
  out.push('/* the world */');
  out.push(
    `byte nfiles = 2;`,
    `byte fcount[3] = 1; /* file 2's count is 1 until it exists (nfiles 2), a constant */`,
    `bool ffreed[3];`,
  );
  out.push(`byte isize = ${P};`, `byte idenyw = 0;`);
  out.push(`bool pfree[NPAGES] = true;`, `short pdata[NPAGES] = -1;`);
  out.push(`byte ndmabufs = 0;`, `byte dn = 0;`, `byte dpages[NPAGES];`, `byte dvmaps = 0;`, `bool dfreed = false;`);
  out.push(`byte nvmas = 0;`, `short vfile[${G1}];`, `byte vowner[${G1}];`);
  out.push(
    `short fdtx[RLIMIT]; /* fdtable.fd[i] - its initial value (FDT0): Promela can only give an array one initial value */`,
    `bool reserved[RLIMIT];`,
  );
  out.push(
    `byte nobs = 0;`,
    `byte othread[${G1}];`,
    `byte ofd[${G1}];`,
    `byte ofilled[${G1}];`,
    `byte oexpected[${G1}];`,
  );
  out.push(`bool nret = 0;`, `short retval = 0;`, `bool retfile = 0;`);
  out.push(`byte faults = 0;`, '');
  out.push('/* threads: program counters and locals */');
  out.push(`byte ioctl_pc = 0;`, `short ret = 0;`, `short heap = -1;`, `short lfile = -1;`, `byte fsize = 0;`);
  out.push(
    `byte npages = 0;`,
    `byte lpages[NPAGES];`,
    `short dmabuf = -1;`,
    `short lfd = -1;`,
    `bool installed = false;`,
    `short lisize = 0;`,
    `byte copied = 0;`,
    `bool kbuf = false;`,
  );
  for (let i = 0; i < G; i++) out.push(`byte g${i}_pc = 0;`, `short g${i}_fd = -1;`, `short g${i}_vma = -1;`);
  for (let i = 0; i < p.closers; i++) out.push(`byte c${i}_pc = 0;`);
  for (let i = 0; i < p.truncaters; i++) out.push(`byte u${i}_pc = 0;`, `short u${i}_ret = 0;`);
  out.push(
    '',
    '/* temporaries, not part of the state */',
    'hidden short t0;',
    'hidden byte ti, tj, tf, te;',
    'hidden byte tb;',
    '',
  );
  out.push(KERNEL());
  out.push(PROPERTIES(allDone));
  for (const t of threads) {
    out.push(`active proctype ${t.name}() {`, 'end:', '  do');
    for (const [label, opts] of Object.entries(t.steps)) {
      for (const o of opts) {
        const guard = [`${t.name}_pc == ${pcName(t.name, label)}`, ...(o.guard ? [o.guard] : [])].join(' && ');
        out.push(`  :: d_step { (${guard}) -> ${o.body}; check() }`);
      }
    }
    out.push('  od', '}', '');
  }
  return out.join('\n');

  function pcName(thread: string, label: string): number {
    const ls = thread === 'ioctl' ? ioctlLabels : threadLabels[thread[0]!]!;
    const i = ls.indexOf(label);
    if (i < 0) throw new Error(`thread ${thread} has no label ${label}`);
    return i;
  }
}

/** The kernel helpers of model/kernel/, as inlines over the globals above. */
function KERNEL(): string {
  return `
/* model/kernel/page.ts */
inline page_live(pg) { assert(!pfree[pg]) /* use-after-free */ }
inline free_page(pg) { assert(!pfree[pg]) /* double-free */; pfree[pg] = true }
inline alloc_page(r) {
  r = -1; tj = 0;
  do :: tj < NPAGES && pfree[tj] -> r = tj; break :: tj < NPAGES && !pfree[tj] -> tj++ :: else -> break od;
  if :: r >= 0 -> pfree[r] = false; pdata[r] = -1 :: else -> skip fi
}
/* model/kernel/dma-buf.ts: the one dma-buf, file ${FILE_DMABUF} */
inline dmabuf_live() { assert(!ffreed[${FILE_DMABUF}]); assert(!dfreed) /* use-after-free */ }
inline dma_buf_release() {
  assert(dvmaps == 0) /* use-after-free: released while vmapped */;
  tj = 0; do :: tj < dn -> free_page(dpages[tj]); tj++ :: else -> break od;
  dfreed = true
}
/* model/kernel/file.ts: files ${FILE_HEAP} (the heap), ${FILE_REGULAR} (model.bin), ${FILE_DMABUF} (the dma-buf) */
inline get_file(f) { assert(!ffreed[f]); fcount[f]++ }
inline fput(f) {
  assert(!ffreed[f]) /* use-after-free */;
  fcount[f]--;
  if :: fcount[f] == 0 -> ffreed[f] = true; if :: f == ${FILE_DMABUF} -> dma_buf_release() :: else -> skip fi
     :: else -> skip fi
}
inline fget(fd, r) {
  if :: FDT(fd) < 0 -> r = ${-EBADF}
     :: else -> r = FDT(fd); assert(!ffreed[r]); fcount[r]++ fi
}
/* model/kernel/fdtable.ts */
inline get_unused_fd_flags(r) {
  r = ${-EMFILE}; tj = 0;
  do :: tj < RLIMIT && FDT(tj) < 0 && !reserved[tj] -> r = tj; reserved[tj] = true; break
     :: tj < RLIMIT && !(FDT(tj) < 0 && !reserved[tj]) -> tj++
     :: else -> break od
}
inline fd_install(fd, f) { reserved[fd] = false; fdtx[fd] = (f) - FDT0(fd) }
/* filledPages(dmabuf 0) into tf (filled), te (expected) */
inline filled_pages() {
  te = dn; if :: isize < te -> te = isize :: else -> skip fi;
  tf = 0; tj = 0;
  do :: tj < te -> if :: pdata[dpages[tj]] == tj -> tf++ :: else -> skip fi; tj++ :: else -> break od
}
`;
}

/** properties/: asserted in every state (and leak in terminal states). */
function PROPERTIES(allDone: string): string {
  return `
inline check() {
  /* fd-exposes-unread-buffer */
  ti = 0;
  do :: ti < RLIMIT -> if :: FDT(ti) == ${FILE_DMABUF} && !ffreed[${FILE_DMABUF}] -> filled_pages(); assert(tf >= te) :: else -> skip fi; ti++
     :: else -> break od;
  /* half-read-buffer-observed */
  ti = 0; do :: ti < nobs -> assert(ofilled[ti] >= oexpected[ti]); ti++ :: else -> break od;
  /* fd-installed-on-error */
  if :: nret && retval < 0 && retfile -> ti = 0; do :: ti < RLIMIT -> assert(FDT(ti) != ${FILE_DMABUF}); ti++ :: else -> break od
     :: else -> skip fi;
  /* use-after-free: the fd table and the mappings refer to live files */
  ti = 0; do :: ti < RLIMIT -> assert(FDT(ti) < 0 || !ffreed[FDT(ti)]); ti++ :: else -> break od;
  ti = 0; do :: ti < nvmas -> assert(vfile[ti] < 0 || !ffreed[vfile[ti]]); ti++ :: else -> break od;
  /* leak, when every thread has returned */
  if :: (${allDone}) ->
       ti = 0;
       do :: ti < NPAGES ->
            if :: !pfree[ti] ->
                 tb = false;
                 if :: ndmabufs > 0 && !dfreed -> tj = 0; do :: tj < dn -> if :: dpages[tj] == ti -> tb = true :: else -> skip fi; tj++ :: else -> break od
                    :: else -> skip fi;
                 assert(tb) /* leak: page allocated, owned by no live dma-buf */
               :: else -> skip fi;
            ti++
          :: else -> break od;
       ti = 0;
       do :: ti < nfiles ->
            if :: !ffreed[ti] ->
                 tf = 0; tj = 0;
                 do :: tj < RLIMIT -> if :: FDT(tj) == ti -> tf++ :: else -> skip fi; tj++ :: else -> break od;
                 tj = 0;
                 do :: tj < nvmas -> if :: vfile[tj] == ti -> tf++ :: else -> skip fi; tj++ :: else -> break od;
                 assert(fcount[ti] == tf) /* leak: f_count differs from the references */
               :: else -> skip fi;
            ti++
          :: else -> break od
     :: else -> skip fi
}
`;
}
