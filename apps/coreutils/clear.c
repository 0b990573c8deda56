/*
 * clear - clear the terminal: cursor home, erase the screen and the scrollback
 * (the ANSI/xterm sequences that ncurses' clear sends for xterm). No options.
 */
#include <unistd.h>

int main(void)
{
    static const char seq[] = "\033[H\033[2J\033[3J";

    return write(1, seq, sizeof(seq) - 1) == (long)sizeof(seq) - 1 ? 0 : 1;
}
