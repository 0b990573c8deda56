/* sys/vfs.h - the Linux name for <sys/statfs.h>. */
#include <sys/statfs.h>
