import java.lang.foreign.*;
import java.lang.invoke.*;
import jdk.internal.foreign.abi.*;
import jdk.internal.foreign.abi.x64.X86_64Architecture;
import static jdk.internal.foreign.abi.x64.X86_64Architecture.Regs.*;
public class FastBind {
    static final ABIDescriptor ABI = X86_64Architecture.abiFor(
        new VMStorage[] { rdi, rsi, rdx, rcx, r8, r9, rax },
        new VMStorage[] { xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7 },
        new VMStorage[] { rax, rdx }, new VMStorage[] { xmm0, xmm1 }, 2,
        new VMStorage[] { r10, r11 },
        new VMStorage[] { xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15 },
        16, 0, r10, r11);
    static final VMStorage[] IN = { rdi, rsi, rdx, rcx, r8, r9 };
    static MethodHandle bind(MethodType t, boolean critical) {
        MethodType leaf = t.insertParameterTypes(0, long.class);
        VMStorage[] args = new VMStorage[leaf.parameterCount()];
        args[0] = ABI.targetAddrStorage();
        for (int i = 1; i < args.length; i++) args[i] = IN[i - 1];
        VMStorage[] ret = t.returnType() == void.class ? new VMStorage[0] : new VMStorage[] { rax };
        NativeEntryPoint nep = NativeEntryPoint.make(ABI, args, ret, leaf, false, 0, !critical, false);
        MethodHandle h = jdk.internal.access.SharedSecrets.getJavaLangInvokeAccess().nativeMethodHandle(nep); return BIND ? MethodHandles.insertArguments(h, 0, ADDR) : h;
    }
    static boolean BIND; static long ADDR; public static void main(String[] a) throws Throwable { BIND = a.length > 0;
        long t00 = System.nanoTime();
        SymbolLookup s = Linker.nativeLinker().defaultLookup();
        long pid = s.find("getpid").get().address(); ADDR = pid;
        long t0 = System.nanoTime();
        MethodType[] ts = { MethodType.methodType(long.class), MethodType.methodType(int.class, long.class, int.class, long.class),
           MethodType.methodType(int.class, long.class, long.class, int.class, long.class), MethodType.methodType(int.class, long.class, long.class, int.class),
           MethodType.methodType(int.class, long.class), MethodType.methodType(int.class, long.class, int.class)};
        boolean[] crit = { false, true, false, true, true, true };
        StringBuilder sb = new StringBuilder(String.format("lookup %.1f | ", (t0 - t00) / 1e6));
        MethodHandle[] mhs = new MethodHandle[6];
        for (int i = 0; i < 6; i++) {
            long t1 = System.nanoTime();
            mhs[i] = bind(ts[i], crit[i]);
            sb.append(String.format("%.1f ", (System.nanoTime() - t1) / 1e6));
        }
        long t1 = System.nanoTime();
        long r0; int r1, r4;
        if (BIND) { r0 = (long) mhs[0].invokeExact(); r1 = (int) mhs[1].invokeExact(1L, 2, 3L); r4 = (int) mhs[4].invokeExact(7L); }
        else { r0 = (long) mhs[0].invokeExact(pid); r1 = (int) mhs[1].invokeExact(pid, 1L, 2, 3L); r4 = (int) mhs[4].invokeExact(pid, 7L); }
        sb.append(String.format("| first calls %.1f | pid %d %d %d", (System.nanoTime() - t1) / 1e6, r0, r1, r4));
        System.out.println(sb);
    }
}
