package io.vtloop.agent;

import io.vtloop.binding.RestrictedMethods;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.function.Function;

import jdk.internal.access.SharedSecrets;
import jdk.internal.foreign.abi.ABIDescriptor;
import jdk.internal.foreign.abi.NativeEntryPoint;
import jdk.internal.foreign.abi.VMStorage;
import jdk.internal.foreign.abi.x64.X86_64Architecture;

import static jdk.internal.foreign.abi.x64.X86_64Architecture.Regs.*;

/**
 * Binds the poller library's downcalls the way the FFM linker ends up calling them, without the
 * linker's adaptation: the first downcall handle of a fresh JVM costs the linker 80-140 ms on one
 * core (it spins ~85 lambda-form classes and a binding specialiser class, with the class-file API,
 * interpreted), each further signature 4-18 ms; a program paid that at its first wait for an fd.
 * This binds the first in 8-19 ms, then mostly under 1 ms each
 * (bench/results/2026-12-07-direct-downcalls/bind-cost).
 *
 * <p>Applies to what the binding uses: System V x86-64, up to six {@code int} or {@code long}
 * arguments ({@code JAVA_INT}, {@code JAVA_LONG}; pointers travel as {@code long}s), an {@code int},
 * {@code long} or no result, no captured state. The binding describes a call by its
 * {@link MethodType}, so that a direct binding touches no memory layouts (4-7 ms of a fresh JVM for
 * the first descriptor, by the same results). Such a call has nothing for the linker to adapt:
 * argument i goes to the i-th integer register ({@code rdi rsi rdx rcx r8 r9}), the target
 * address to {@code r10}, the result comes from {@code rax}. So the handle is the JDK's own native
 * method handle over a {@link NativeEntryPoint} with those moves, of type {@code (long address,
 * <carriers>)<result>} ({@link RestrictedMethods#route}'s contract), and a critical call
 * ({@code Linker.Option.critical(false)}) is one without the thread-state transition, exactly the
 * linker's choice. Anything else, or a JDK whose internals differ (a {@link LinkageError} on first
 * use), goes to the linker through {@link NativeAccessGate}.
 *
 * <p>Also the binding's other requests that need no restricted method ({@link #apply}): the library
 * ({@link RawLibrary}) and a direct buffer's address. Needs {@code jdk.internal.foreign.abi},
 * {@code jdk.internal.foreign.abi.x64}, {@code jdk.internal.access}, {@code jdk.internal.loader}
 * and {@code sun.nio.ch} exported to vtloop's module ({@link Installer}).
 */
final class DirectDowncalls implements Function<Object[], Object> {

    /** The JDK's x86-64 definitions: a holder, so that another JDK's fail inside {@link #bind}. */
    private static final class SysV {
        /** The C ABI of {@code jdk.internal.foreign.abi.x64.sysv.CallArranger} (private there). */
        static final ABIDescriptor ABI = X86_64Architecture.abiFor(
                new VMStorage[] {rdi, rsi, rdx, rcx, r8, r9, rax},
                new VMStorage[] {xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7},
                new VMStorage[] {rax, rdx},
                new VMStorage[] {xmm0, xmm1},
                2,
                new VMStorage[] {r10, r11},
                new VMStorage[] {xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15,
                                 xmm16, xmm17, xmm18, xmm19, xmm20, xmm21, xmm22, xmm23,
                                 xmm24, xmm25, xmm26, xmm27, xmm28, xmm29, xmm30, xmm31},
                16,
                0,
                r10, r11);
        /** Where integer arguments go, in order. */
        static final VMStorage[] ARGUMENTS = {rdi, rsi, rdx, rcx, r8, r9};
        static final VMStorage[] NO_RESULT = {};
        static final VMStorage[] RESULT = {rax};
    }

    /** The most arguments passed in registers. */
    private static final int MAX_ARGUMENTS = 6;

    /** Set once binding a direct handle failed: every later one goes to the linker. */
    private static volatile Throwable failure;

    private final Function<Object[], Object> linker;

    /** @param linker {@link NativeAccessGate}'s instance: library lookups, and the FFM linker */
    DirectDowncalls(Function<Object[], Object> linker) {
        this.linker = linker;
    }

    /**
     * {@link RestrictedMethods#route}'s requests: {@code {MethodType, Boolean critical}} gets a
     * direct handle, or null (the binding then asks for the linker's); {@code {Path}} the library
     * opened by {@link RawLibrary}; {@code {ByteBuffer}} a direct buffer's address (the JDK's
     * {@code DirectBuffer.address()}, no FFM segment); everything else goes to {@link NativeAccessGate}.
     */
    @Override
    public Object apply(Object[] request) {
        if (request[0] instanceof MethodType signature) return bind(signature, (Boolean) request[1]);
        if (request.length == 1 && request[0] instanceof java.nio.file.Path file) return RawLibrary.open(file);
        if (request.length == 1 && request[0] instanceof java.nio.ByteBuffer direct) return ((sun.nio.ch.DirectBuffer) direct).address();
        return linker.apply(request);
    }

    /**
     * A direct handle of type {@code signature} with a {@code long} address prepended, or null
     * when {@code signature} is not one this class binds or direct binding failed once.
     */
    static MethodHandle bind(MethodType signature, boolean critical) {
        if (failure != null) return null;
        int count = signature.parameterCount();
        Class<?> result = signature.returnType();
        if (count > MAX_ARGUMENTS || !(result == void.class || integral(result))) return null;
        for (int i = 0; i < count; i++) {
            if (!integral(signature.parameterType(i))) return null;
        }
        try {
            VMStorage[] moves = new VMStorage[count + 1];
            moves[0] = SysV.ABI.targetAddrStorage();
            System.arraycopy(SysV.ARGUMENTS, 0, moves, 1, count);
            // (abi, argument moves, result moves, type, return buffer, captured state, transition, address pairs)
            NativeEntryPoint entry = NativeEntryPoint.make(SysV.ABI, moves,
                    result == void.class ? SysV.NO_RESULT : SysV.RESULT, signature.insertParameterTypes(0, long.class),
                    false, 0, !critical, false);
            return SharedSecrets.getJavaLangInvokeAccess().nativeMethodHandle(entry);
        } catch (LinkageError | RuntimeException e) {   // another JDK's internals
            failure = e;
            return null;
        }
    }

    /** Why direct binding was given up, or null. */
    static Throwable failure() {
        return failure;
    }

    /** The binding's carriers: {@code JAVA_INT}'s and {@code JAVA_LONG}'s. */
    private static boolean integral(Class<?> carrier) {
        return carrier == int.class || carrier == long.class;
    }
}
