import java.lang.foreign.*;
import java.nio.ByteOrder;
/** In a fresh JVM, ms for one first use: a segment read, a direct-buffer read of the same memory, or two function descriptors. */
public class FirstUse {
    public static void main(String[] a) {
        MemorySegment s = Arena.ofAuto().allocate(64, 8);
        var view = s.asByteBuffer().order(ByteOrder.nativeOrder());
        long t0 = System.nanoTime(), r;
        switch (a[0]) {
            case "segment" -> r = s.get(ValueLayout.JAVA_LONG, 8) + s.get(ValueLayout.JAVA_INT, 16);
            case "buffer" -> r = view.getLong(8) + view.getInt(16);
            case "layouts" -> r = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT).argumentLayouts().size();
            default -> throw new IllegalArgumentException(a[0]);
        }
        System.out.printf("%s %.1f ms (%d)%n", a[0], (System.nanoTime() - t0) / 1e6, r);
    }
}
