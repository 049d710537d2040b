package io.vtloop.runtime;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/** vtloop's JFR events (category "vtloop"); enable with {@code -XX:StartFlightRecording}. */
final class CarrierEvents {
    private CarrierEvents() { }

    @Name("io.vtloop.Compensation")
    @Label("Carrier Lent to a Spare")
    @Category("vtloop")
    @Description("A virtual thread blocked its carrier's OS thread (a JDK Blocker call); a spare thread served the carrier meanwhile")
    @StackTrace(true)
    static final class Compensation extends Event {
        @Label("Carrier") int carrier;
        @Label("Spare Thread") String spare;
    }

    @Name("io.vtloop.CarrierStall")
    @Label("Carrier Stall")
    @Category("vtloop")
    @Description("One continuation ran this long without returning to the carrier's loop: its other virtual threads and fds waited")
    @Threshold("20 ms")
    @StackTrace(false)
    static final class CarrierStall extends Event {
        @Label("Carrier") int carrier;
        @Label("Virtual Thread Task") String task;
    }
}
