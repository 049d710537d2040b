package io.vtloop.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import static org.junit.jupiter.api.Assertions.*;

/** Every fd number the kernel can hand out works; a lookup never throws. */
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class FdTableTest {
    @Test
    void anyFdNumberRegistersLooksUpAndForgets() {
        FdTable t = new FdTable();
        for (int fd : new int[] {0, 1023, 1024, 65_535, 65_536, (1 << 21) - 1, 1 << 21, (1 << 21) + 5, 1 << 30, Integer.MAX_VALUE}) {
            assertNull(t.get(fd), "fd " + fd + " before registration");
            FdState s = new FdState(fd, t.nextGeneration());
            assertSame(s, t.putIfAbsent(s), "fd " + fd);
            assertSame(s, t.get(fd));
            assertSame(s, t.lookup(s.token()));
            assertSame(s, t.putIfAbsent(new FdState(fd, t.nextGeneration())), "the slot is taken");
        }
        assertSame(t.get(0), t.forget(0));
        assertNull(t.get(0));
        assertNotNull(t.get(Integer.MAX_VALUE), "growing the table kept the others");
        assertNotNull(t.forget(Integer.MAX_VALUE));
        assertNull(t.lookup(((long) 99 << 32) | Integer.MAX_VALUE));
    }

    @Test
    void lookupsOfUnknownOrNegativeFdsReturnNull() {
        FdTable t = new FdTable();
        assertNull(t.get(-1));
        assertNull(t.get(Integer.MAX_VALUE));
        assertNull(t.forget(Integer.MAX_VALUE));
        assertNull(t.forget(-5));
        assertFalse(t.forget(1 << 25, new FdState(1 << 25, 1)));
    }
}
