#ifndef FOLLOWTHROUGH_CZSTD_H
#define FOLLOWTHROUGH_CZSTD_H
// zstd (Debian's libzstd1; libzstd-dev to build), for the message bodies and the statuses kept in the state file.
#include <zstd.h>
#endif
