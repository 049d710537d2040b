package floor;
public class Premain { public static void premain(String a, java.lang.instrument.Instrumentation i) { } }
