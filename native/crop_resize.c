/*
 * Crop -> resize -> normalise -> planar CHW floats, in one pass over an 8-bit BGR frame.
 *
 * Same maths as OpenCvCropPreprocessor (see CropPreprocessor's javadoc): the sz x sz block of frame
 * pixels starting at (xmin, ymin), padded with padBgr outside the frame, resized like OpenCV's
 * INTER_LINEAR (sample at (d + 0.5) * sz / size - 0.5, clamped to the block's edge pixels). Instead of
 * building the padded block, every tap reads the frame directly or the padding value when it falls
 * outside the frame. Separable: each block row that is needed is interpolated horizontally once (and
 * normalised, which commutes with the vertical blend because the weights sum to 1) into a small row
 * cache; output rows blend two cached rows.
 */
#include <jni.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "dev_siamtrack_track_NativeCropPreprocessor.h"

/* Largest output side, as CropGeometry.MAX_SIZE: bounds the row buffers kept on the stack. */
#define MAX_SIZE 2048

/* Taps of one output axis: frame offsets (column * 3 or row index) of the two samples, -1 outside the frame. */
typedef struct {
    int *first;
    int *second;
    float *weight;
} Taps;

/* Fills taps for `size` outputs over a block of `sz` pixels starting at frame index `origin` (frame extent `limit`).
 * `unit` is the frame offset of one pixel along the axis (3 bytes per column, 1 per row). */
static void make_taps(Taps t, int size, int sz, int origin, int limit, int unit) {
    double scale = (double) sz / size;
    for (int d = 0; d < size; d++) {
        /* OpenCV computes the source coordinate in double and rounds it to float before flooring. */
        float f = (float) ((d + 0.5) * scale - 0.5);
        int p = (int) floorf(f);
        float w = f - (float) p;
        int p1 = p + 1;
        if (p < 0) {
            p = 0;
            p1 = 1;
            w = 0;
        }
        if (p >= sz - 1) {
            p = sz - 1;
            p1 = p;
            w = 0;
        }
        int a = origin + p;
        int b = origin + p1;
        t.first[d] = (a >= 0 && a < limit) ? a * unit : -1;
        t.second[d] = (b >= 0 && b < limit) ? b * unit : -1;
        t.weight[d] = w;
    }
}

/* Horizontal pass of one frame row (NULL: a row above or below the frame) into three normalised planes. */
static inline void horizontal(const uint8_t *row, int size, Taps xt, int lo, int hi, const int *src,
                              const float *raw_pad, const float *alpha, const float *beta, float *h) {
    float *h0 = h;
    float *h1 = h + size;
    float *h2 = h + 2 * size;
    if (row == NULL) {
        for (int d = 0; d < size; d++) {
            h0[d] = raw_pad[0] * alpha[0] + beta[0];
            h1[d] = raw_pad[1] * alpha[1] + beta[1];
            h2[d] = raw_pad[2] * alpha[2] + beta[2];
        }
        return;
    }
    const int s0 = src[0];
    const int s1 = src[1];
    const int s2 = src[2];
    /* Inside the frame on both taps: the common case, no branches. */
    for (int d = lo; d < hi; d++) {
        const uint8_t *p = row + xt.first[d];
        const uint8_t *q = row + xt.second[d];
        float w = xt.weight[d];
        float a0 = p[s0], a1 = p[s1], a2 = p[s2];
        h0[d] = (a0 + ((float) q[s0] - a0) * w) * alpha[0] + beta[0];
        h1[d] = (a1 + ((float) q[s1] - a1) * w) * alpha[1] + beta[1];
        h2[d] = (a2 + ((float) q[s2] - a2) * w) * alpha[2] + beta[2];
    }
    /* Near or beyond the left and right frame borders: taps outside read the padding. */
    for (int d = 0; d < size; d++) {
        if (d == lo) {
            d = hi;
            if (d == size) {
                break;
            }
        }
        int o0 = xt.first[d];
        int o1 = xt.second[d];
        float w = xt.weight[d];
        for (int k = 0; k < 3; k++) {
            float a = o0 >= 0 ? row[o0 + src[k]] : raw_pad[k];
            float b = o1 >= 0 ? row[o1 + src[k]] : raw_pad[k];
            h[k * size + d] = (a + (b - a) * w) * alpha[k] + beta[k];
        }
    }
}

JNIEXPORT void JNICALL Java_dev_siamtrack_track_NativeCropPreprocessor_cropBgr(
        JNIEnv *env, jclass cls, jlong frame, jint rows, jint cols, jlong step,
        jdouble cx, jdouble cy, jdouble side, jint size,
        jdouble pad_b, jdouble pad_g, jdouble pad_r, jboolean rgb,
        jfloat alpha0, jfloat alpha1, jfloat alpha2, jfloat beta0, jfloat beta1, jfloat beta2, jobject dst) {
    (void) cls;
    float *out = (float *) (*env)->GetDirectBufferAddress(env, dst);
    if (out == NULL || size < 1 || size > MAX_SIZE) {
        return;
    }
    const uint8_t *image = (const uint8_t *) (intptr_t) frame;
    int sz = (int) rint(side);
    if (sz < 1) {
        sz = 1;
    }
    double c = (sz + 1) / 2.0;
    int xmin = (int) floor(cx - c + 0.5);
    int ymin = (int) floor(cy - c + 0.5);

    int src[3] = {0, 1, 2};
    if (rgb) {
        src[0] = 2;
        src[2] = 0;
    }
    const double pad_bgr[3] = {pad_b, pad_g, pad_r};
    float raw_pad[3];
    for (int k = 0; k < 3; k++) {
        /* The padding of an 8-bit image: rounded (ties to even, like OpenCV's saturate_cast) and clamped. */
        double v = rint(pad_bgr[src[k]]);
        raw_pad[k] = (float) (v < 0 ? 0 : v > 255 ? 255 : v);
    }
    const float alpha[3] = {alpha0, alpha1, alpha2};
    const float beta[3] = {beta0, beta1, beta2};

    int x_first[size], x_second[size], y_first[size], y_second[size];
    float x_weight[size], y_weight[size];
    Taps xt = {x_first, x_second, x_weight};
    Taps yt = {y_first, y_second, y_weight};
    make_taps(xt, size, sz, xmin, cols, 3);
    make_taps(yt, size, sz, ymin, rows, 1);
    int lo = 0;
    while (lo < size && (x_first[lo] < 0 || x_second[lo] < 0)) {
        lo++;
    }
    int hi = lo;
    while (hi < size && x_first[hi] >= 0 && x_second[hi] >= 0) {
        hi++;
    }

    /* Two cached horizontal rows, keyed by frame row (-1: padding row, -2: empty). */
    float cache[2][3 * size];
    int key[2] = {-2, -2};
    size_t plane = (size_t) size * size;
    for (int dy = 0; dy < size; dy++) {
        int need[2] = {y_first[dy], y_second[dy]};
        int slot[2];
        for (int i = 0; i < 2; i++) {
            if (key[0] == need[i]) {
                slot[i] = 0;
                continue;
            }
            if (key[1] == need[i]) {
                slot[i] = 1;
                continue;
            }
            /* Overwrite the slot the other tap does not use. */
            int s = i == 0 ? (key[0] == need[1] ? 1 : 0) : 1 - slot[0];
            const uint8_t *row = need[i] >= 0 ? image + (size_t) need[i] * (size_t) step : NULL;
            horizontal(row, size, xt, lo, hi, src, raw_pad, alpha, beta, cache[s]);
            key[s] = need[i];
            slot[i] = s;
        }
        float w = y_weight[dy];
        for (int k = 0; k < 3; k++) {
            const float *a = cache[slot[0]] + k * size;
            const float *b = cache[slot[1]] + k * size;
            float *o = out + k * plane + (size_t) dy * size;
            if (w == 0.0f) {
                memcpy(o, a, sizeof(float) * (size_t) size);
            } else {
                for (int d = 0; d < size; d++) {
                    o[d] = a[d] + (b[d] - a[d]) * w;
                }
            }
        }
    }
}
