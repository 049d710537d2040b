package io.vtloop.agent;

/** {@link HostageMain} with its case from {@code -Dhostage.case} (the child-JVM launcher passes no arguments). */
public final class HostageCase {
    private HostageCase() { }

    public static void main(String[] args) throws Exception {
        HostageMain.main(new String[] {System.getProperty("hostage.case")});
    }
}
