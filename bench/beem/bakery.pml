/* BEEM bakery: Lamport's bakery algorithm for N processes, tickets bounded by MAX as in
 * BEEM: a process whose ticket would exceed MAX stays in `choose` for good, and the others
 * then wait for its `choosing` forever, so the bounded model has deadlocks (run pan -E).
 * NO_CHOOSING: the doorway's `choosing` is not waited for (known-bad). CHECK_MUTEX: pan asserts
 * mutual exclusion. */
#ifndef N
#define N 3
#endif
#ifndef MAX
#define MAX 4
#endif
#define i _pid
byte choosing[N];
byte number[N];
#ifdef CHECK_MUTEX
/* mutual exclusion checked by pan (a counter: for the property checks, not the counts) */
byte incs;
#endif

active [N] proctype P() {
byte j=0;
byte max=0;

NCS: if
:: d_step {choosing[i] = 1;j = 0;max = 0;} goto choose;
fi;
choose: if
:: d_step {j<N && number[j]>max;max = number[j];j = j+1;} goto choose;
:: d_step {j<N && number[j]<=max;j = j+1;} goto choose;
:: d_step {j==N && max<MAX;number[i] = max+1;j = 0;choosing[i] = 0;} goto for_loop;
fi;
for_loop: if
#ifdef NO_CHOOSING
:: j<N; goto wait;
#else
:: j<N && choosing[j]==0; goto wait;
#endif
#ifdef CHECK_MUTEX
:: d_step {j==N; assert(incs == 0); incs++} goto CS;
#else
:: j==N; goto CS;
#endif
fi;
wait: if
:: d_step {number[j]==0 || number[i]<number[j] || (number[j]==number[i] && i<=j);j = j+1;} goto for_loop;
fi;
CS: if
#ifdef CHECK_MUTEX
:: d_step {number[i] = 0; incs--} goto NCS;
#else
:: number[i] = 0; goto NCS;
#endif
fi;
}
