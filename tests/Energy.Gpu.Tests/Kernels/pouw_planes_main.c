/*
 * Runs pouw.cu's plane split (pouw_plane_digit, what pouw_project stores) on the CPU for the tests.
 * Usage: pouw_planes INPUT OUTPUT. INPUT (little-endian): u32 planes, u32 count, count x i32 values.
 * OUTPUT: per value, planes x i8 digits (low plane first), then the i32 remainder after them.
 */
#include "cuda_warp_shim.h"
#include "pouw.cu"

int main(int argc, char** argv)
{
    (void)shim_launch; /* no kernel is launched: the split is a device function called directly */
    if (argc != 3) {
        fprintf(stderr, "usage: pouw_planes INPUT OUTPUT\n");
        return 2;
    }

    FILE* in = fopen(argv[1], "rb");
    FILE* out = fopen(argv[2], "wb");
    unsigned char word[4];
    unsigned int header[2];
    if (in == NULL || out == NULL) {
        return 2;
    }

    for (int i = 0; i < 2; ++i) {
        if (fread(word, 1, 4, in) != 4) {
            return 2;
        }

        header[i] = (unsigned int)word[0] | ((unsigned int)word[1] << 8) | ((unsigned int)word[2] << 16) | ((unsigned int)word[3] << 24);
    }

    if (header[0] > POUW_MAX_PLANES) {
        return 2;
    }

    for (unsigned int v = 0; v < header[1]; ++v) {
        if (fread(word, 1, 4, in) != 4) {
            return 2;
        }

        int rest = (int)((unsigned int)word[0] | ((unsigned int)word[1] << 8) | ((unsigned int)word[2] << 16) | ((unsigned int)word[3] << 24));
        for (unsigned int p = 0; p < header[0]; ++p) {
            const signed char digit = (signed char)pouw_plane_digit(&rest);
            if (fwrite(&digit, 1, 1, out) != 1) {
                return 2;
            }
        }

        const unsigned int r = (unsigned int)rest;
        const unsigned char bytes[4] = { (unsigned char)r, (unsigned char)(r >> 8), (unsigned char)(r >> 16), (unsigned char)(r >> 24) };
        if (fwrite(bytes, 1, 4, out) != 4) {
            return 2;
        }
    }

    fclose(in);
    return fclose(out) == 0 ? 0 : 2;
}
