/* true - do nothing, successfully. Ignores all arguments (as GNU does, apart from --help). */
int main(void)
{
    return 0;
}
