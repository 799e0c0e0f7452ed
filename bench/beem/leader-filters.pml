/* BEEM leader_filters: leader election by filters (Choy and Singh) for N processes (BEEM's
 * leader_filters.mdve; its Promela, e.g. leader_filters.5.pm, in the BEEM copy
 * plug-obp/beem-benchmark original-benchmark/leader_filters/generated_files/), with the
 * process index as _pid. At each level curr a process writes turn[curr], waits for the
 * level's door b[curr] to open, closes it, and reads turn[curr] back: overwritten, it marks
 * c[curr] (someone stopped here), reopens the door and stops (p7); still its own, it goes
 * up a level if the level below stopped someone (or at level 0), and is elected if nobody
 * stopped below. BEEM writes `p7: elected: false;`, one statement for two DVE states; here
 * each is its own `false`, as the DVE has them. The arrays have M entries as BEEM sizes them.
 * ERROR: BEEM's artificial error ERROR=1, p2 does not wait for the door (known-bad).
 * CHECK_ELECTED: pan asserts that at most one process is elected. */
#ifndef N
#define N 3
#endif
#if N <= 4
#define M 5
#else
#if N <= 8
#define M 6
#else
#define M 7
#endif
#endif
#define i _pid
byte turn[M];
byte b[M];
byte c[M];
#ifdef CHECK_ELECTED
/* processes elected, checked by pan (a counter: for the property checks, not the counts) */
byte leaders;
#endif

active [N] proctype P() {
byte curr=0;

p1: if
:: turn[curr] = i; goto p2;
fi;
p2: if
#ifdef ERROR
:: goto p3;
#else
:: b[curr]==0; goto p3;
#endif
fi;
p3: if
:: b[curr] = 1; goto p4;
fi;
p4: if
:: turn[curr]!=i; goto p5;
:: turn[curr]==i; goto p8;
fi;
p5: if
:: c[curr] = 1; goto p6;
fi;
p6: if
:: b[curr] = 0; goto p7;
fi;
p8: if
:: curr>0 && c[curr-1]==0; goto p9;
:: d_step {curr==0 || c[curr-1]==1;curr = curr+1;} goto p1;
fi;
p9: if
#ifdef CHECK_ELECTED
:: d_step {assert(leaders == 0); leaders++} goto elected;
#else
:: goto elected;
#endif
fi;
p7: false;
elected: false;
}
