/* BEEM anderson: Anderson's array-based queue lock for N processes (BEEM's anderson.mdve;
 * its Promela, e.g. anderson.4.pm, in the BEEM copy plug-obp/beem-benchmark
 * original-benchmark/anderson/generated_files/), with the process index as _pid.
 * A process takes a place in the queue (my_place = next++; the last place wraps next back
 * by N), waits for its slot, clears it, and in leaving hands the lock to the next slot.
 * BEEM's Slot starts {1, 0, ..., 0}; Promela gives a global array's elements one initial
 * value, and BEEM's init process (which sets Slot[0]) adds its own states, so the array is
 * stored as held[k] = Slot[k] != (k == 0) (one-to-one per element: the states and
 * transitions are BEEM's). ERROR: BEEM's artificial error (ERROR=1), p3 clears the
 * previous place's slot instead of its own (known-bad). CHECK_MUTEX: pan asserts mutual
 * exclusion. */
#ifndef N
#define N 3
#endif
#define i _pid
byte held[N];
#define SLOT(k) (held[k] != ((k) == 0))
#define SET_SLOT(k, v) held[k] = ((v) != ((k) == 0))
byte next=0;
#ifdef CHECK_MUTEX
/* mutual exclusion checked by pan (a counter: for the property checks, not the counts) */
byte incs;
#endif

active [N] proctype P() {
byte my_place=0;

NCS: if
:: d_step {my_place = next;next = next+1;} goto p1;
fi;
p1: if
:: d_step {my_place==N-1;next = next-N;} goto p2;
:: d_step {my_place!=N-1;my_place = my_place%N;} goto p2;
fi;
p2: if
:: SLOT(my_place)==1; goto p3;
fi;
p3: if
#ifdef ERROR
#define CLEARED ((my_place+N-1)%N)
#else
#define CLEARED (my_place)
#endif
#ifdef CHECK_MUTEX
:: d_step {SET_SLOT(CLEARED, 0); assert(incs == 0); incs++} goto CS;
#else
:: SET_SLOT(CLEARED, 0); goto CS;
#endif
fi;
CS: if
#ifdef CHECK_MUTEX
:: d_step {SET_SLOT((my_place+1)%N, 1); incs--} goto NCS;
#else
:: SET_SLOT((my_place+1)%N, 1); goto NCS;
#endif
fi;
}
