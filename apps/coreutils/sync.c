/* sync - write every dirty buffer of every file system to its disk. No options. */
#include <unistd.h>

int main(void)
{
    sync();
    return 0;
}
