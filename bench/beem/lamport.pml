/* BEEM lamport: Lamport's fast mutual exclusion for N processes (BEEM's lamport.mdve; its
 * Promela, e.g. lamport.1.pm (N=3), in the BEEM copy plug-obp/beem-benchmark
 * original-benchmark/lamport/generated_files/), with the process index as _pid. A process
 * raises b[i], writes x = i, and if y is free writes y = i: x still its own, it enters
 * at once (the fast path); else it lowers b[i], waits until every b[j] is down, and enters
 * if y is still its own, or starts again if y was freed. Leaving, it frees y and lowers
 * b[i]. NULL is 255. ERROR: BEEM's artificial errors (known-bad), ERROR=1 q2 lowers b[x]
 * instead of b[i], ERROR=2 q5 enters when y == x instead of y == i. CHECK_MUTEX: pan
 * asserts mutual exclusion. */
#ifndef N
#define N 3
#endif
#ifndef ERROR
#define ERROR 0
#endif
#define i _pid
#define NULL 255
byte b[N];
byte x=NULL;
byte y=NULL;
#ifdef CHECK_MUTEX
/* mutual exclusion checked by pan (a counter: for the property checks, not the counts) */
byte incs;
#endif

active [N] proctype P() {
byte j=0;

NCS: if
:: b[i] = 1; goto q1;
fi;
q1: if
:: x = i; goto q2;
fi;
q2: if
#if ERROR == 1
:: d_step {y!=NULL;b[x] = 0;} goto q22;
#else
:: d_step {y!=NULL;b[i] = 0;} goto q22;
#endif
:: y==NULL; goto p;
fi;
q22: if
:: y==NULL; goto NCS;
fi;
p: if
:: y = i; goto q3;
fi;
q3: if
#ifdef CHECK_MUTEX
:: d_step {x==i; assert(incs == 0); incs++} goto CS;
#else
:: x==i; goto CS;
#endif
:: d_step {x!=i;b[i] = 0;j = 0;} goto q4;
fi;
q4: if
:: d_step {j<N && b[j]==0;j = j+1;} goto q4;
:: j==N; goto q5;
fi;
q5: if
#if ERROR == 2
#define OWNER x
#else
#define OWNER i
#endif
#ifdef CHECK_MUTEX
:: d_step {y==OWNER; assert(incs == 0); incs++} goto CS;
#else
:: y==OWNER; goto CS;
#endif
:: y==NULL; goto NCS;
fi;
CS: if
#ifdef CHECK_MUTEX
:: d_step {y = NULL; incs--} goto e1;
#else
:: y = NULL; goto e1;
#endif
fi;
e1: if
:: b[i] = 0; goto NCS;
fi;
}
