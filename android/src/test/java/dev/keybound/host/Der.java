package dev.keybound.host;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.TimeZone;

/** Just enough DER to build test certificates (the JDK has no public certificate builder). */
final class Der {
    private Der() {}

    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.write(p, 0, p.length);
        }
        return tlvRaw(new byte[] {(byte) tag}, body.toByteArray());
    }

    private static byte[] tlvRaw(byte[] tag, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag, 0, tag.length);
        int len = body.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len & 0xff);
        }
        out.write(body, 0, body.length);
        return out.toByteArray();
    }

    static byte[] seq(byte[]... parts) {
        return tlv(0x30, parts);
    }

    static byte[] set(byte[]... parts) {
        return tlv(0x31, parts);
    }

    static byte[] integer(long v) {
        return tlv(0x02, BigInteger.valueOf(v).toByteArray());
    }

    static byte[] integer(BigInteger v) {
        return tlv(0x02, v.toByteArray());
    }

    static byte[] enumerated(int v) {
        return tlv(0x0a, BigInteger.valueOf(v).toByteArray());
    }

    static byte[] bool(boolean v) {
        return tlv(0x01, new byte[] {(byte) (v ? 0xff : 0)});
    }

    static byte[] octets(byte[] v) {
        return tlv(0x04, v);
    }

    static byte[] bitString(byte[] v) {
        byte[] body = new byte[v.length + 1];
        System.arraycopy(v, 0, body, 1, v.length);
        return tlv(0x03, body);
    }

    static byte[] utf8(String s) {
        return tlv(0x0c, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] utcTime(Date d) {
        SimpleDateFormat f = new SimpleDateFormat("yyMMddHHmmss'Z'");
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        return tlv(0x17, f.format(d).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(0x06, out.toByteArray());
    }

    /** Context-specific constructed (EXPLICIT) tag, high tag numbers included. */
    static byte[] explicit(int number, byte[] inner) {
        if (number < 31) {
            return tlvRaw(new byte[] {(byte) (0xa0 | number)}, inner);
        }
        ByteArrayOutputStream tag = new ByteArrayOutputStream();
        tag.write(0xbf);
        base128(tag, number);
        return tlvRaw(tag.toByteArray(), inner);
    }

    private static void base128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        for (long t = v >> 7; t != 0; t >>= 7) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) ((v >> (7 * g)) & 0x7f);
            out.write(g == 0 ? b : b | 0x80);
        }
    }
}
