// The dma-heap alloc-and-read model (model/dma-heap/alloc-and-read.ts) in Quint, generated
// from the same parameters, for random simulation (`quint run`) side by side with kmc's
// random explorer.
//
// Mapping: the whole kmc state is one Quint variable `s`, a record holding the same data as
// the Promela port (bench/peers/spin/promela.ts): the world, each thread's program counter
// and locals, the fault count. Each kmc step is a pure function of `s`; one kmc transition
// (thread, choice) is one action `all { guard, s' = effect(s) }`, and `step` is `any` over
// all of them, so a random run picks among enabled transitions as kmc's random explorer does
// (kmc biases its decisions towards "no fault, no switch"; Quint's simulator picks uniformly).
// In-step violations (use-after-free, double-free) set `s.bug`; the invariant `inv` is the
// conjunction of the model's properties (leak only once every thread has returned).
// A `done` action stutters once every thread has returned, so runs never deadlock.

import {
  blocks as modelBlocks,
  FILE_FD,
  HEAP_FD,
  params as defaults,
  type Params,
} from '../../../model/dma-heap/alloc-and-read.ts';
import { EBADF, EFAULT, EINVAL, EIO, EMFILE, ENOMEM, ETXTBSY } from '../../../model/kernel/errno.ts';

const DMABUF = 2;

type Opt = { guard?: string; body: string };
type Steps = Record<string, Opt[]>;

export function quint(overrides: Partial<Params> = {}, opts: { faults?: number; module?: string } = {}): string {
  const p: Params = { ...defaults, ...overrides };
  for (const [k, v] of Object.entries(p)) {
    if (!['pages', 'rlimit', 'guessers', 'closers', 'truncaters', 'copyToUserFaults', 'order'].includes(k) && v)
      throw new Error(`the Quint port does not model parameter ${k}=${String(v)}`);
  }
  const P = p.pages;
  const R = p.rlimit;
  const G = p.guessers;
  const maxFaults = opts.faults ?? 1;
  const order = p.order.split(',');
  const installAt = Math.max(order.indexOf('dma_buf_fd'), order.indexOf('fd_install'));
  const copyUnwinds = order.indexOf('copy_to_user') < installAt;
  const mb = modelBlocks(p);
  const ioctlLabels = [
    'dma_heap_ioctl',
    ...order.flatMap((n) => Object.keys(mb[n]?.('return') ?? {})),
    'error_put',
    'error_file',
    'put_unused_fd',
    'return',
  ];
  const pc = (l: string) => {
    const i = ioctlLabels.indexOf(l);
    if (i < 0) throw new Error(`ioctl has no label ${l}`);
    return i;
  };

  // effects are written as chains of `.with(...)` over the state expression
  const go = (l: string) => `.with("pc_ioctl", ${pc(l)})`;
  const ok = (body: string): Opt => ({ body });
  const fault = (body: string): Opt => ({
    guard: `s.faults < ${maxFaults}`,
    body: `s.with("faults", s.faults + 1)${body}`,
  });
  const failTo = (ret: number, l: string) => `.with("ret", ${ret})${go(l)}`;
  const unwindFd = (x: string) =>
    `(if (${x}.lfd >= 0 and not(${x}.installed)) ${x}${go('put_unused_fd')} else ${x}${go('return')})`;

  const blocks: Record<string, (next: string) => Steps> = {
    get_unused_fd_flags: (next) => ({
      // -EMFILE undoes what the blocks before it did, as the model's unwind() does
      get_unused_fd_flags: [
        ok(
          `{ val r = getUnusedFd(s)  if (r._2 < 0) { val t = r._1.with("ret", r._2)  ` +
            `if (t.dmabuf >= 0) t${go('error_put')} else if (t.lfile >= 0) t${go('error_file')} else ${unwindFd('t')} } ` +
            `else r._1.with("lfd", r._2)${go(next)} }`,
        ),
      ],
    }),
    init_dma_heap_file: (next) => ({
      init_dma_heap_file: [
        ok(
          `{ val r = fget(s, ${FILE_FD})  if (r._2 < 0) ${unwindFd(`s.with("ret", ${-EINVAL})`)} else r._1.with("lfile", r._2).with("fsize", s.isize)${go(next)} }`,
        ),
      ],
    }),
    system_heap_allocate: (next) => ({
      kzalloc: [ok(`s${go('alloc_largest_available')}`), fault(failTo(-ENOMEM, 'error_file'))],
      alloc_largest_available: [
        ok(
          `{ val r = allocPage(s)  if (r._2 < 0) s${failTo(-ENOMEM, 'free_buffer')} else { val t = r._1.with("lpages", s.lpages.append(r._2))  ` +
            `if (t.lpages.length() < t.fsize) t${go('alloc_largest_available')} else t${go('dma_buf_export')} } }`,
        ),
        fault(failTo(-ENOMEM, 'free_buffer')),
      ],
      dma_buf_export: [
        ok(
          `s.with("nfiles", 3).with("fcount", s.fcount.replaceAt(${DMABUF}, 1)).with("ndmabufs", 1).with("dpages", s.lpages).with("dmabuf", 0)${go(next)}`,
        ),
        fault(failTo(-ENOMEM, 'free_buffer')),
      ],
      free_buffer: [ok(`s.lpages.foldl(s, (acc, pg) => freePage(acc, pg)).with("lpages", [])${go('error_file')}`)],
    }),
    dma_heap_read_file_sync: (next) => ({
      dma_buf_vmap: [
        ok(`dmabufLive(s).with("dvmaps", s.dvmaps + 1)${go('kernel_read_file')}`),
        fault(failTo(-ENOMEM, 'error_put')),
      ],
      kernel_read_file: [
        ok(
          `{ val t = s.with("idenyw", s.idenyw + 1).with("lisize", s.isize).with("copied", 0)  if (t.lisize <= 0) t${failTo(-EINVAL, 'allow_write_access')} else t.with("fsize", t.lisize)${go('kernel_read')} }`,
        ),
      ],
      kernel_read: [
        ok(
          `{ val pg = s.dpages[s.copied]  val t = pageLive(s, pg).with("pdata", s.pdata.replaceAt(pg, s.copied)).with("copied", s.copied + 1)  ` +
            `if (t.copied < t.lpages.length() and t.copied < t.lisize) t${go('kernel_read')} else t${go('allow_write_access')} }`,
        ),
        fault(failTo(-EIO, 'allow_write_access')),
      ],
      allow_write_access: [
        ok(
          `{ val t = s.with("idenyw", s.idenyw - 1)  (if (t.ret != 0 or t.copied != t.lisize) t.with("ret", ${-EIO}) else t)${go('dma_buf_vunmap')} }`,
        ),
      ],
      dma_buf_vunmap: [
        ok(
          `{ val t = dmabufLive(s).with("dvmaps", s.dvmaps - 1)  if (t.ret == 0) t${go(next)} else t${go('error_put')} }`,
        ),
      ],
    }),
    dma_buf_fd: (next) => ({
      dma_buf_fd: [
        ok(
          `{ val r = getUnusedFd(s)  if (r._2 < 0) r._1.with("ret", r._2)${go('error_put')} else fdInstall(r._1, r._2, ${DMABUF}).with("lfd", r._2).with("installed", true)${go(next)} }`,
        ),
      ],
    }),
    fd_install: (next) => ({ fd_install: [ok(`fdInstall(s, s.lfd, ${DMABUF}).with("installed", true)${go(next)}`)] }),
    deinit_dma_heap_file: (next) => ({ deinit_dma_heap_file: [ok(`fput(s, s.lfile).with("lfile", -1)${go(next)}`)] }),
    copy_to_user: (next) => ({
      copy_to_user: [
        ok(`s${go(next)}`),
        ...(p.copyToUserFaults ? [fault(failTo(-EFAULT, copyUnwinds ? 'error_put' : 'return'))] : []),
      ],
    }),
  };
  const chained: Steps[] = [];
  let next = 'return';
  for (const name of [...order].reverse()) {
    const block = blocks[name];
    if (!block) throw new Error(`the Quint port has no block '${name}'`);
    const steps = block(next);
    next = Object.keys(steps)[0]!;
    chained.unshift(steps);
  }
  const ioctl: Steps = {
    dma_heap_ioctl: [
      ok(
        `{ val r = fget(s, ${HEAP_FD})  if (r._2 < 0) s.with("ret", ${-EBADF}).with("pc_ioctl", DONE) else r._1.with("heap", r._2)${go(order[0] === 'get_unused_fd_flags' ? 'get_unused_fd_flags' : 'init_dma_heap_file')} }`,
      ),
    ],
    ...Object.assign({}, ...chained),
    error_put: [ok(`(if (s.dmabuf >= 0) fput(s, ${DMABUF}) else s)${go('error_file')}`)],
    error_file: [ok(`{ val t = (if (s.lfile >= 0) fput(s, s.lfile) else s).with("lfile", -1)  ${unwindFd('t')} }`)],
    put_unused_fd: [ok(`s.with("reserved", s.reserved.replaceAt(s.lfd, false))${go('return')}`)],
    return: [
      ok(
        `fput(s.with("nret", true).with("retval", if (s.ret == 0) s.lfd else s.ret).with("retfile", s.dmabuf >= 0), s.heap).with("pc_ioctl", DONE)`,
      ),
    ],
  };

  const threads: { name: string; steps: Steps; labels: string[] }[] = [
    { name: 'ioctl', steps: ioctl, labels: ioctlLabels },
  ];
  for (let i = 0; i < G; i++) {
    const me = `pc_g${i}`;
    threads.push({
      name: `g${i}`,
      labels: ['mmap', 'read_mapping', 'munmap'],
      steps: {
        mmap: Array.from({ length: R }, (_, fd) =>
          ok(
            `{ val r = fget(s, ${fd})  if (r._2 < 0) s.with("${me}", DONE) else if (r._2 != ${DMABUF}) fput(r._1, r._2).with("${me}", DONE) else ` +
              `{ val t = getFile(dmabufLive(r._1), r._2)  val u = t.with("vfile", t.vfile.append(r._2)).with("vowner", t.vowner.append(${i}))  ` +
              `fput(u, r._2).with("gfd", u.gfd.replaceAt(${i}, ${fd})).with("gvma", u.gvma.replaceAt(${i}, u.vfile.length() - 1)).with("${me}", 1) } }`,
          ),
        ),
        read_mapping: [
          ok(
            `{ val t = s.dpages.foldl(s, (acc, pg) => pageLive(acc, pg))  val f = filled(t)  ` +
              `t.with("obs", t.obs.append({ thread: ${i}, fd: t.gfd[${i}], filled: f._1, expected: f._2 })).with("${me}", 2) }`,
          ),
        ],
        munmap: [
          ok(`fput(s, s.vfile[s.gvma[${i}]]).with("vfile", s.vfile.replaceAt(s.gvma[${i}], -1)).with("${me}", DONE)`),
        ],
      },
    });
  }
  for (let i = 0; i < p.closers; i++) {
    threads.push({
      name: `c${i}`,
      labels: ['close'],
      steps: {
        close: Array.from({ length: R }, (_, fd) =>
          ok(
            `(if (s.fdt[${fd}] >= 0) fput(s.with("fdt", s.fdt.replaceAt(${fd}, -1)), s.fdt[${fd}]) else s).with("pc_c${i}", DONE)`,
          ),
        ),
      },
    });
  }
  for (let i = 0; i < p.truncaters; i++) {
    threads.push({
      name: `u${i}`,
      labels: ['truncate'],
      steps: {
        truncate: [
          ok(
            `(if (s.idenyw > 0) s.with("tret", s.tret.replaceAt(${i}, ${-ETXTBSY})) else s.with("isize", ${Math.max(1, P - 1)}).with("tret", s.tret.replaceAt(${i}, 0))).with("pc_u${i}", DONE)`,
          ),
        ],
      },
    });
  }

  const allDone = threads.map((t) => `s.pc_${t.name} == DONE`).join(' and ');
  const list = (n: number, v: string) => `[${Array.from({ length: n }, () => v).join(', ')}]`;
  const pcFields = threads.map((t) => `pc_${t.name}: int`).join(', ');
  const pcInit = threads.map((t) => `pc_${t.name}: 0`).join(', ');
  const actions: string[] = [];
  const names: string[] = [];
  for (const t of threads) {
    for (const [label, opts] of Object.entries(t.steps)) {
      const at = t.labels.indexOf(label);
      opts.forEach((o, c) => {
        const name = `${t.name}_${label}_${c}`;
        names.push(name);
        actions.push(
          `  action ${name} = all { s.pc_${t.name} == ${at}${o.guard ? `, ${o.guard}` : ''}, s' = ${o.body} }`,
        );
      });
    }
  }

  return `// Generated by bench/peers/quint/quint.ts from model/dma-heap/alloc-and-read.ts: do not edit.
// params: ${JSON.stringify(p)} faults: ${maxFaults}
module ${opts.module ?? 'allocAndRead'} {
  pure val DONE = 255
  type Obs = { thread: int, fd: int, filled: int, expected: int }
  type S = {
    nfiles: int, fcount: List[int], ffreed: List[bool], isize: int, idenyw: int,
    pfree: List[bool], pdata: List[int], ndmabufs: int, dpages: List[int], dvmaps: int, dfreed: bool,
    vfile: List[int], vowner: List[int], fdt: List[int], reserved: List[bool], obs: List[Obs],
    nret: bool, retval: int, retfile: bool, faults: int,
    ret: int, heap: int, lfile: int, fsize: int, lpages: List[int], dmabuf: int, lfd: int, installed: bool, lisize: int, copied: int,
    gfd: List[int], gvma: List[int], tret: List[int], bug: str,
    ${pcFields}
  }
  var s: S

  pure def bug(t: S, b: str): S = if (t.bug == "") t.with("bug", b) else t
  pure def pageLive(t: S, pg: int): S = if (t.pfree[pg]) bug(t, "use-after-free") else t
  pure def freePage(t: S, pg: int): S = if (t.pfree[pg]) bug(t, "double-free") else t.with("pfree", t.pfree.replaceAt(pg, true))
  pure def allocPage(t: S): (S, int) = {
    val pg = range(0, ${P}).foldl(-1, (acc, i) => if (acc < 0 and t.pfree[i]) i else acc)
    if (pg < 0) (t, -1) else (t.with("pfree", t.pfree.replaceAt(pg, false)).with("pdata", t.pdata.replaceAt(pg, -1)), pg)
  }
  pure def dmabufLive(t: S): S = if (t.ffreed[${DMABUF}] or t.dfreed) bug(t, "use-after-free") else t
  pure def release(t: S): S = {
    val u = if (t.dvmaps > 0) bug(t, "use-after-free") else t
    u.dpages.foldl(u, (acc, pg) => freePage(acc, pg)).with("dfreed", true)
  }
  pure def fput(t: S, f: int): S =
    if (t.ffreed[f]) bug(t, "use-after-free")
    else {
      val u = t.with("fcount", t.fcount.replaceAt(f, t.fcount[f] - 1))
      if (u.fcount[f] > 0) u
      else {
        val v = u.with("ffreed", u.ffreed.replaceAt(f, true))
        if (f == ${DMABUF}) release(v) else v
      }
    }
  pure def getFile(t: S, f: int): S = if (t.ffreed[f]) bug(t, "use-after-free") else t.with("fcount", t.fcount.replaceAt(f, t.fcount[f] + 1))
  pure def fget(t: S, fd: int): (S, int) = if (t.fdt[fd] < 0) (t, ${-EBADF}) else (getFile(t, t.fdt[fd]), t.fdt[fd])
  pure def getUnusedFd(t: S): (S, int) = {
    val fd = range(0, ${R}).foldl(${-EMFILE}, (acc, i) => if (acc < 0 and t.fdt[i] < 0 and not(t.reserved[i])) i else acc)
    if (fd < 0) (t, fd) else (t.with("reserved", t.reserved.replaceAt(fd, true)), fd)
  }
  pure def fdInstall(t: S, fd: int, f: int): S = t.with("reserved", t.reserved.replaceAt(fd, false)).with("fdt", t.fdt.replaceAt(fd, f))
  /** filledPages(dmabuf 0): (filled, expected) */
  pure def filled(t: S): (int, int) = {
    val e = if (t.isize < t.dpages.length()) t.isize else t.dpages.length()
    (range(0, e).foldl(0, (acc, i) => if (t.pdata[t.dpages[i]] == i) acc + 1 else acc), e)
  }

  action init = s' = {
    nfiles: 2, fcount: [1, 1, 0], ffreed: [false, false, false], isize: ${P}, idenyw: 0,
    pfree: ${list(P, 'true')}, pdata: ${list(P, '-1')}, ndmabufs: 0, dpages: [], dvmaps: 0, dfreed: false,
    vfile: [], vowner: [], fdt: [${Array.from({ length: R }, (_, i) => (i === HEAP_FD ? 0 : i === FILE_FD ? 1 : -1)).join(', ')}], reserved: ${list(R, 'false')}, obs: [],
    nret: false, retval: 0, retfile: false, faults: 0,
    ret: 0, heap: -1, lfile: -1, fsize: 0, lpages: [], dmabuf: -1, lfd: -1, installed: false, lisize: 0, copied: 0,
    gfd: ${list(G, '-1')}, gvma: ${list(G, '-1')}, tret: ${list(p.truncaters, '0')}, bug: "",
    ${pcInit}
  }

${actions.join('\n')}
  action done = all { ${allDone}, s' = s }

  action step = any {
    ${[...names, 'done'].join(',\n    ')}
  }

  // properties/ (the in-step violations are in s.bug)
  val noBug = s.bug == ""
  val fdExposesUnreadBuffer = 0.to(${R - 1}).forall(fd => not(s.fdt[fd] == ${DMABUF} and not(s.ffreed[${DMABUF}])) or filled(s)._1 >= filled(s)._2)
  val halfReadBufferObserved = s.obs.foldl(true, (acc, o) => acc and o.filled >= o.expected)
  val fdInstalledOnError = not(s.nret and s.retval < 0 and s.retfile) or 0.to(${R - 1}).forall(fd => s.fdt[fd] != ${DMABUF})
  val useAfterFree = 0.to(${R - 1}).forall(fd => s.fdt[fd] < 0 or not(s.ffreed[s.fdt[fd]])) and s.vfile.foldl(true, (acc, f) => acc and (f < 0 or not(s.ffreed[f])))
  def owned(pg: int): bool = s.ndmabufs > 0 and not(s.dfreed) and s.dpages.foldl(false, (acc, q) => acc or q == pg)
  def refs(f: int): int = range(0, ${R}).foldl(0, (acc, fd) => if (s.fdt[fd] == f) acc + 1 else acc) + s.vfile.foldl(0, (acc, v) => if (v == f) acc + 1 else acc)
  val noLeak = not(${allDone}) or (0.to(${P - 1}).forall(pg => s.pfree[pg] or owned(pg)) and 0.to(s.nfiles - 1).forall(f => s.ffreed[f] or s.fcount[f] == refs(f)))
  val inv = noBug and fdExposesUnreadBuffer and halfReadBufferObserved and fdInstalledOnError and useAfterFree and noLeak
}
`;
}
