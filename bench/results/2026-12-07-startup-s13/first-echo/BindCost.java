import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import static java.lang.foreign.ValueLayout.*;
public class BindCost {
    public static void main(String[] a) throws Throwable {
        Linker l = Linker.nativeLinker();
        SymbolLookup s = l.defaultLookup();
        String[] fns = {"getpid", "getppid", "getuid", "geteuid", "getgid", "getegid"};
        boolean same = a[0].equals("same");
        FunctionDescriptor[] fds = {
            FunctionDescriptor.of(JAVA_LONG), FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG),
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG), FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT),
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG), FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT)};
        Linker.Option[][] opts = {{}, {Linker.Option.critical(false)}, {}, {Linker.Option.critical(false)}, {Linker.Option.critical(false)}, {Linker.Option.critical(false)}};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fns.length; i++) {
            long t0 = System.nanoTime();
            MethodHandle mh = same ? l.downcallHandle(s.find(fns[i]).get(), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.critical(false))
                                   : l.downcallHandle(s.find(fns[i]).get(), fds[i], opts[i]);
            sb.append(String.format("%.1f ", (System.nanoTime() - t0) / 1e6));
        }
        System.out.println(a[0] + ": " + sb);
    }
}
