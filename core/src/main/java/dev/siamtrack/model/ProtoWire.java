package dev.siamtrack.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The protobuf wire format, as far as {@link OnnxShapeEditor} needs it: a message is split into its fields
 * (tag, wire type and the byte range of each), varints are read and written, and length-delimited fields
 * are written. A field left alone is copied as its original bytes, so fields the editor does not know
 * survive an edit unchanged. No schema: callers name fields by number.
 */
final class ProtoWire {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    /** Bytes that are not a well-formed protobuf message; the message says what is wrong. */
    static final class MalformedException extends IllegalArgumentException {
        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * One field of a message in {@code buf}: its whole encoding (tag included) is {@code buf[start, end)}; its
     * value starts at {@code valueStart} (after the length, for a length-delimited field).
     */
    record Field(int number, int wireType, int start, int valueStart, int end) {

        /** Field {@code number} holding a length-delimited value (a string, bytes or a message). */
        boolean isLengthDelimited(int fieldNumber) {
            return number == fieldNumber && wireType == LENGTH_DELIMITED;
        }

        /** Writes this field's original encoding. */
        void copy(byte[] buf, ByteArrayOutputStream out) {
            out.write(buf, start, end - start);
        }
    }

    private ProtoWire() {
    }

    /** The fields of the message encoded in {@code buf[from, to)}, in order. */
    static List<Field> parse(byte[] buf, int from, int to) {
        List<Field> fields = new ArrayList<>();
        int[] pos = {from};
        while (pos[0] < to) {
            int start = pos[0];
            long tag = readVarint(buf, pos);
            int number = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            int valueStart;
            switch (wireType) {
                case VARINT -> {
                    valueStart = pos[0];
                    readVarint(buf, pos);
                }
                case FIXED64 -> {
                    valueStart = pos[0];
                    pos[0] += 8;
                }
                case LENGTH_DELIMITED -> {
                    long len = readVarint(buf, pos);
                    valueStart = pos[0];
                    if (len < 0 || len > to - valueStart) {
                        throw new MalformedException("truncated or corrupt protobuf");
                    }
                    pos[0] += (int) len;
                }
                case FIXED32 -> {
                    valueStart = pos[0];
                    pos[0] += 4;
                }
                default -> throw new MalformedException("bad protobuf wire type " + wireType);
            }
            if (pos[0] > to || number == 0) {
                throw new MalformedException("truncated or corrupt protobuf");
            }
            fields.add(new Field(number, wireType, start, valueStart, pos[0]));
        }
        return fields;
    }

    /** The fields of the message that is the value of the length-delimited {@code field}. */
    static List<Field> parse(byte[] buf, Field field) {
        return parse(buf, field.valueStart(), field.end());
    }

    /** Reads the varint at {@code pos[0]} and advances {@code pos[0]} past it. */
    static long readVarint(byte[] buf, int[] pos) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= buf.length) {
                throw new MalformedException("truncated varint");
            }
            byte b = buf[pos[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new MalformedException("varint too long");
    }

    /** The value of a varint field. */
    static long varint(byte[] buf, Field field) {
        return readVarint(buf, new int[] {field.valueStart()});
    }

    /** How many varints {@code buf[from, to)} holds (a packed repeated field). */
    static int countVarints(byte[] buf, int from, int to) {
        int n = 0;
        int[] pos = {from};
        while (pos[0] < to) {
            readVarint(buf, pos);
            n++;
        }
        return n;
    }

    /** The UTF-8 text of a length-delimited field. */
    static String text(byte[] buf, Field field) {
        return new String(buf, field.valueStart(), field.end() - field.valueStart(), StandardCharsets.UTF_8);
    }

    /** The first string field {@code number} of the message in {@code message}, or null. */
    static String stringField(byte[] buf, Field message, int number) {
        for (Field f : parse(buf, message)) {
            if (f.isLengthDelimited(number)) {
                return text(buf, f);
            }
        }
        return null;
    }

    /** A varint in the shortest encoding; negative values take ten bytes, as protobuf writes int64. */
    static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    static void writeVarintField(ByteArrayOutputStream out, int number, long value) {
        writeVarint(out, (long) number << 3 | VARINT);
        writeVarint(out, value);
    }

    static void writeBytesField(ByteArrayOutputStream out, int number, byte[] value) {
        writeVarint(out, (long) number << 3 | LENGTH_DELIMITED);
        writeVarint(out, value.length);
        out.write(value, 0, value.length);
    }

    static void writeStringField(ByteArrayOutputStream out, int number, String value) {
        writeBytesField(out, number, value.getBytes(StandardCharsets.UTF_8));
    }
}
