/* false - do nothing, unsuccessfully (status 1). Ignores all arguments. */
int main(void)
{
    return 1;
}
