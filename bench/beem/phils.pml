/* BEEM phils: N dining philosophers, fork[i] left of philosopher i, fork[(i+1)%N] right.
 * With SEATS defined, a footman (BEEM's phils with `count`) lets at most SEATS-1 of them
 * sit at the table at once (count < SEATS), and a philosopher may leave before taking a
 * fork; without it (BEEM's phils.1) all may take their left fork and deadlock.
 * GRAB: the right fork is taken without waiting for it to be free (known-bad). */
#ifndef N
#define N 4
#endif
#define L (_pid)
#define R ((_pid + 1) % N)
byte fork[N];
#ifdef SEATS
byte count = 0;
#endif

active [N] proctype phil() {
#ifdef SEATS
think: if
:: d_step {count<SEATS;count = count+1;} goto inside;
fi;
inside: if
:: count = count-1; goto think;
:: d_step {fork[L]==0;fork[L] = 1;} goto one;
fi;
#else
think: if
:: d_step {fork[L]==0;fork[L] = 1;} goto one;
fi;
#endif
one: if
#ifdef GRAB
:: fork[R] = 1; goto eat;
#else
:: d_step {fork[R]==0;fork[R] = 1;} goto eat;
#endif
fi;
eat: if
:: fork[L] = 0; goto finish;
fi;
finish: if
#ifdef SEATS
:: fork[R] = 0; goto inside;
#else
:: fork[R] = 0; goto think;
#endif
fi;
}
