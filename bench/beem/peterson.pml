/* BEEM peterson: Peterson's mutual exclusion for N processes (the filter lock).
 * NO_STEP: the victim assignment dropped (known-bad). CHECK_MUTEX: pan asserts mutual exclusion. */
#ifndef N
#define N 3
#endif
byte pos[N];
byte step[N];
#ifdef CHECK_MUTEX
/* mutual exclusion checked by pan (a counter: for the property checks, not the counts) */
byte incs;
#endif

active [N] proctype P() {
byte j=0;
byte k=0;

NCS: if
:: j = 1; goto wait;
fi;
CS: if
#ifdef CHECK_MUTEX
:: d_step {pos[_pid] = 0; incs--} goto NCS;
#else
:: pos[_pid] = 0; goto NCS;
#endif
fi;
wait: if
:: d_step {j<N;pos[_pid] = j;} goto q2;
#ifdef CHECK_MUTEX
:: d_step {j==N; assert(incs == 0); incs++} goto CS;
#else
:: j==N; goto CS;
#endif
fi;
q2: if
#ifdef NO_STEP
:: k = 0; goto q3;
#else
:: d_step {step[j-1] = _pid;k = 0;} goto q3;
#endif
fi;
q3: if
:: d_step {k<N && (k==_pid || pos[k]<j);k = k+1;} goto q3;
:: d_step {step[j-1]!=_pid || k==N;j = j+1;} goto wait;
fi;
}
