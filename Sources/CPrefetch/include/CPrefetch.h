#ifndef FOLLOWTHROUGH_CPREFETCH_H
#define FOLLOWTHROUGH_CPREFETCH_H
// A hint that `address` will be read soon: the cache line is fetched while other work goes on. Swift has no
// spelling for it. Never faults, whatever the address.
static inline void ft_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
