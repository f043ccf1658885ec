/*
 * Crop -> resize -> normalise -> planar CHW floats, in one pass over an 8-bit BGR frame.
 *
 * Same maths as OpenCvCropPreprocessor (see CropPreprocessor's javadoc): the sz x sz block of frame
 * pixels starting at (xmin, ymin), padded with padBgr outside the frame, resized like OpenCV's
 * INTER_LINEAR (sample at (d + 0.5) * sz / size - 0.5, clamped to the block's edge pixels). Instead of
 * building the padded block, every tap reads the frame directly, or the padding value when it falls
 * outside the frame.
 *
 * Separable: each block row that is needed is interpolated horizontally once into a two-row cache of
 * planar floats; each output row blends two cached rows and normalises, writing the three planes.
 * The horizontal pass is SSE4.1: one 8-byte load covers both taps of a pixel, a byte shuffle lays out
 * (tap0, tap1) pairs per channel as 16-bit lanes, and one multiply-add with 14-bit weights gives the
 * three channels; four pixels are then transposed into the three planes.
 */
#include <jni.h>
#include <math.h>
#include <smmintrin.h>
#include <stdint.h>
#include <string.h>

#include "dev_siamtrack_track_NativeCropPreprocessor.h"

/* Largest output side, as CropGeometry.MAX_SIZE: bounds the buffers kept on the stack. */
#define MAX_SIZE 2048
/* Horizontal weights in fixed point: 1.0 = 2^14 fits a signed 16-bit lane, a 2-tap sum of 255s fits 32 bits. */
#define WEIGHT_BITS 14
#define WEIGHT_ONE (1 << WEIGHT_BITS)

/* Taps of one output axis: frame offsets (column * 3, or row) of the two samples, -1 outside the frame. */
typedef struct {
    int *first;
    int *second;
    float *weight;
} Taps;

/* Fills taps for `size` outputs over a block of `sz` pixels starting at frame index `origin` (frame
 * extent `limit`); `unit` is the frame offset of one pixel along the axis (3 per column, 1 per row). */
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

/* Everything the horizontal pass needs that does not change from row to row. */
typedef struct {
    int size;
    Taps x;
    const __m128i *weights; /* per output column: 16-bit (1-w, w) pairs for three channels */
    int lo, hi;             /* columns [lo, hi) take the vector path */
    __m128i shuffle;        /* 8 loaded bytes -> (tap0, tap1) 16-bit pairs in output channel order */
    int src[3];             /* frame channel of each output channel */
    float raw_pad[3];       /* padding per output channel, 0..255 */
} Horizontal;

/* Horizontal pass of one frame row (NULL: a row above or below the frame) into three planes of raw values. */
static void horizontal(const Horizontal *hz, const uint8_t *row, float *h) {
    const int size = hz->size;
    float *h0 = h;
    float *h1 = h + size;
    float *h2 = h + 2 * size;
    if (row == NULL) {
        for (int d = 0; d < size; d++) {
            h0[d] = hz->raw_pad[0];
            h1[d] = hz->raw_pad[1];
            h2[d] = hz->raw_pad[2];
        }
        return;
    }
    const float scale = 1.0f / WEIGHT_ONE;
    const __m128 unit = _mm_set1_ps(scale);
    int d = hz->lo;
    for (; d + 4 <= hz->hi; d += 4) {
        __m128 v[4];
        for (int i = 0; i < 4; i++) {
            int64_t bytes;
            memcpy(&bytes, row + hz->x.first[d + i], sizeof bytes);
            __m128i pairs = _mm_shuffle_epi8(_mm_cvtsi64_si128(bytes), hz->shuffle);
            v[i] = _mm_mul_ps(_mm_cvtepi32_ps(_mm_madd_epi16(pairs, hz->weights[d + i])), unit);
        }
        _MM_TRANSPOSE4_PS(v[0], v[1], v[2], v[3]);
        _mm_storeu_ps(h0 + d, v[0]);
        _mm_storeu_ps(h1 + d, v[1]);
        _mm_storeu_ps(h2 + d, v[2]);
    }
    for (; d < hz->hi; d++) {
        int64_t bytes;
        memcpy(&bytes, row + hz->x.first[d], sizeof bytes);
        __m128i pairs = _mm_shuffle_epi8(_mm_cvtsi64_si128(bytes), hz->shuffle);
        float lanes[4];
        _mm_storeu_ps(lanes, _mm_mul_ps(_mm_cvtepi32_ps(_mm_madd_epi16(pairs, hz->weights[d])), unit));
        h0[d] = lanes[0];
        h1[d] = lanes[1];
        h2[d] = lanes[2];
    }
    /* Near or beyond the left and right frame borders: taps outside the frame read the padding. */
    for (d = 0; d < size; d++) {
        if (d == hz->lo) {
            d = hz->hi;
            if (d == size) {
                break;
            }
        }
        int o0 = hz->x.first[d];
        int o1 = hz->x.second[d];
        float w = hz->x.weight[d];
        if (o0 < 0 && o1 < 0) {
            h0[d] = hz->raw_pad[0];
            h1[d] = hz->raw_pad[1];
            h2[d] = hz->raw_pad[2];
            continue;
        }
        for (int k = 0; k < 3; k++) {
            float a = o0 >= 0 ? row[o0 + hz->src[k]] : hz->raw_pad[k];
            float b = o1 >= 0 ? row[o1 + hz->src[k]] : hz->raw_pad[k];
            h[k * size + d] = a + (b - a) * w;
        }
    }
}

/* One output row of one plane: blend of two cached rows, normalised. Plain C so the compiler vectorises it. */
__attribute__((target_clones("avx2", "default")))
static void vertical(const float *restrict a, const float *restrict b, float *restrict out, int size,
                     float wa, float wb, float offset) {
    for (int d = 0; d < size; d++) {
        out[d] = a[d] * wa + b[d] * wb + offset;
    }
}

/* The start of a cv::Mat (OpenCV 3 and 4): no virtual functions, the pixel pointer follows four ints.
 * NativeCropPreprocessor checks this against Mat.data() before relying on it. */
typedef struct {
    int flags;
    int dims;
    int rows;
    int cols;
    uint8_t *data;
} MatHeader;

JNIEXPORT jlong JNICALL Java_dev_siamtrack_track_NativeCropPreprocessor_matData(JNIEnv *env, jclass cls, jlong mat) {
    (void) env;
    (void) cls;
    return (jlong) (intptr_t) ((const MatHeader *) (intptr_t) mat)->data;
}

JNIEXPORT void JNICALL Java_dev_siamtrack_track_NativeCropPreprocessor_cropBgr(
        JNIEnv *env, jclass cls, jlong frame, jboolean mat_header, jint rows, jint cols, jlong step,
        jdouble cx, jdouble cy, jdouble side, jint size,
        jdouble pad_b, jdouble pad_g, jdouble pad_r, jboolean rgb,
        jfloat alpha0, jfloat alpha1, jfloat alpha2, jfloat beta0, jfloat beta1, jfloat beta2, jobject dst) {
    (void) cls;
    float *out = (float *) (*env)->GetDirectBufferAddress(env, dst);
    if (out == NULL || size < 1 || size > MAX_SIZE) {
        return;
    }
    const uint8_t *image = mat_header ? ((const MatHeader *) (intptr_t) frame)->data
                                      : (const uint8_t *) (intptr_t) frame;
    int sz = (int) rint(side);
    if (sz < 1) {
        sz = 1;
    }
    double c = (sz + 1) / 2.0;
    int xmin = (int) floor(cx - c + 0.5);
    int ymin = (int) floor(cy - c + 0.5);

    Horizontal hz;
    hz.size = size;
    hz.src[0] = rgb ? 2 : 0;
    hz.src[1] = 1;
    hz.src[2] = rgb ? 0 : 2;
    const double pad_bgr[3] = {pad_b, pad_g, pad_r};
    for (int k = 0; k < 3; k++) {
        /* The padding of an 8-bit image: rounded (ties to even, like OpenCV's saturate_cast) and clamped. */
        double v = rint(pad_bgr[hz.src[k]]);
        hz.raw_pad[k] = (float) (v < 0 ? 0 : v > 255 ? 255 : v);
    }
    const float alpha[3] = {alpha0, alpha1, alpha2};
    const float beta[3] = {beta0, beta1, beta2};

    int x_first[size], x_second[size], y_first[size], y_second[size];
    float x_weight[size], y_weight[size];
    __m128i weights[size];
    hz.x = (Taps) {x_first, x_second, x_weight};
    Taps yt = {y_first, y_second, y_weight};
    make_taps(hz.x, size, sz, xmin, cols, 3);
    make_taps(yt, size, sz, ymin, rows, 1);
    for (int d = 0; d < size; d++) {
        short w1 = (short) lrintf(x_weight[d] * WEIGHT_ONE);
        short w0 = (short) (WEIGHT_ONE - w1);
        weights[d] = _mm_setr_epi16(w0, w1, w0, w1, w0, w1, 0, 0);
    }
    hz.weights = weights;
    /* The vector path loads 8 bytes from the first tap: both taps in the frame and 8 bytes left in the row. */
    int last_vector_column = (cols - 3) * 3;
    int lo = 0;
    while (lo < size && (x_first[lo] < 0 || x_second[lo] < 0 || x_first[lo] > last_vector_column)) {
        lo++;
    }
    int hi = lo;
    while (hi < size && x_first[hi] >= 0 && x_second[hi] >= 0 && x_first[hi] <= last_vector_column) {
        hi++;
    }
    hz.lo = lo;
    hz.hi = hi;
    char m[16];
    for (int k = 0; k < 3; k++) {
        m[4 * k] = (char) hz.src[k];
        m[4 * k + 1] = (char) 0x80;
        m[4 * k + 2] = (char) (3 + hz.src[k]);
        m[4 * k + 3] = (char) 0x80;
    }
    for (int i = 12; i < 16; i++) {
        m[i] = (char) 0x80;
    }
    hz.shuffle = _mm_loadu_si128((const __m128i *) m);

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
            horizontal(&hz, need[i] >= 0 ? image + (size_t) need[i] * (size_t) step : NULL, cache[s]);
            key[s] = need[i];
            slot[i] = s;
        }
        float w = y_weight[dy];
        for (int k = 0; k < 3; k++) {
            vertical(cache[slot[0]] + k * size, cache[slot[1]] + k * size, out + k * plane + (size_t) dy * size,
                     size, (1 - w) * alpha[k], w * alpha[k], beta[k]);
        }
    }
}
