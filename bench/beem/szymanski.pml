/* BEEM szymanski: Szymanski's mutual exclusion for N processes (flags a, w, s: the process
 * wants in, waits in the waiting room, stands at the door), BEEM's model with the process
 * index as _pid (from lip6/ITSTools promela/fr.lip6.move.promela.beem/szymanski/
 * generated_files/szymanski.5.pml). NO_EXIT_WAIT: p9 does not wait for the lower-numbered
 * processes to leave (known-bad). CHECK_MUTEX: pan asserts mutual exclusion. */
#ifndef N
#define N 3
#endif
#define i _pid
byte a[N];
byte w[N];
byte s[N];
#ifdef CHECK_MUTEX
/* mutual exclusion checked by pan (a counter: for the property checks, not the counts) */
byte incs;
#endif

active [N] proctype P() {
byte j=0;

NCS: if
:: d_step {a[i] = 1;j = 0;} goto p2;
fi;
p2: if
:: d_step {j<N && s[j]==0;j = j+1;} goto p2;
:: j==N; goto p3;
fi;
p3: if
:: d_step {w[i] = 1;a[i] = 0;} goto p4;
fi;
p4: if
:: d_step {s[i]==1;j = 0;} goto p9;
:: d_step {s[i]==0;j = 0;} goto p5;
fi;
p5: if
:: d_step {j<N && a[j]==0;j = j+1;} goto p5;
:: !(j<N && a[j]==0); goto p6;
fi;
p6: if
:: j<N; goto p7;
:: d_step {j==N;s[i] = 1;j = 0;} goto p61;
fi;
p61: if
:: d_step {j<N && a[j]==0;j = j+1;} goto p61;
:: d_step {j<N && a[j]==1;s[i] = 0;} goto p7;
:: d_step {j==N;w[i] = 0;j = 0;} goto p64;
fi;
p64: if
:: d_step {j<N && w[j]==0;j = j+1;} goto p64;
:: j==N; goto p7;
fi;
p7: if
:: j==N; goto p8;
:: d_step {j<N;j = 0;} goto p71;
fi;
p71: if
:: d_step {j<N && (w[j]==1 || s[j]==0);j = j+1;} goto p71;
:: !(j<N && (w[j]==1 || s[j]==0)); goto p8;
fi;
p8: if
:: d_step {j!=i && j<N;s[i] = 1;w[i] = 0;} goto p4;
:: !(j!=i && j<N); goto p4;
fi;
p9: if
#ifdef NO_EXIT_WAIT
:: d_step {j<i;j = j+1;} goto p9;
#else
:: d_step {j<i && w[j]==0 && s[j]==0;j = j+1;} goto p9;
#endif
#ifdef CHECK_MUTEX
:: d_step {j==i; assert(incs == 0); incs++} goto CS;
#else
:: j==i; goto CS;
#endif
fi;
CS: if
#ifdef CHECK_MUTEX
:: d_step {s[i] = 0; incs--} goto NCS;
#else
:: s[i] = 0; goto NCS;
#endif
fi;
}
