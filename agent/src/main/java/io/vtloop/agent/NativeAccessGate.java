package io.vtloop.agent;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;

import static java.lang.classfile.ClassFile.ACC_FINAL;
import static java.lang.classfile.ClassFile.ACC_PUBLIC;
import static java.lang.classfile.ClassFile.ACC_STATIC;

/**
 * Lets vtloop's FFM binding load its library and bind downcalls without the JDK's
 * "restricted method" warning and without {@code --enable-native-access}.
 *
 * <p>Restricted FFM methods check their caller's module. This class defines, inside
 * {@code java.base} (package {@code sun.nio.ch}, opened to vtloop by the agent), a two-method
 * class that calls {@link SymbolLookup#libraryLookup(Path, Arena)} and
 * {@link Linker#downcallHandle}; code in {@code java.base} has native access. It returns
 * method handles to those two methods.
 */
final class NativeAccessGate {
    private NativeAccessGate() { }

    static final String CLASS_NAME = "sun.nio.ch.VtloopNativeGate";

    /** The gate class's bytes (the same for every JDK: the {@link PatchCache} keeps them). */
    static byte[] classBytes() {
        ClassDesc self = ClassDesc.of(CLASS_NAME);
        ClassDesc cdPath = ClassDesc.of("java.nio.file.Path"), cdArena = ClassDesc.of("java.lang.foreign.Arena");
        ClassDesc cdLookup = ClassDesc.of("java.lang.foreign.SymbolLookup");
        ClassDesc cdLinker = ClassDesc.of("java.lang.foreign.Linker");
        ClassDesc cdSegment = ClassDesc.of("java.lang.foreign.MemorySegment");
        ClassDesc cdFd = ClassDesc.of("java.lang.foreign.FunctionDescriptor");
        ClassDesc cdOptions = ClassDesc.of("java.lang.foreign.Linker$Option").arrayType();
        ClassDesc cdMh = ClassDesc.of("java.lang.invoke.MethodHandle");
        MethodTypeDesc libType = MethodTypeDesc.of(cdLookup, cdPath, cdArena);
        MethodTypeDesc downType = MethodTypeDesc.of(cdMh, cdSegment, cdFd, cdOptions);

        byte[] bytes = ClassFile.of().build(self, cb -> cb
                .withFlags(ACC_PUBLIC | ACC_FINAL)
                .withMethodBody("libraryLookup", libType, ACC_PUBLIC | ACC_STATIC, code -> code
                        .aload(0).aload(1)
                        .invokestatic(cdLookup, "libraryLookup", libType, true)
                        .areturn())
                .withMethodBody("downcallHandle", downType, ACC_PUBLIC | ACC_STATIC, code -> code
                        .invokestatic(cdLinker, "nativeLinker", MethodTypeDesc.of(cdLinker), true)
                        .aload(0).aload(1).aload(2)
                        .invokeinterface(cdLinker, "downcallHandle", downType)
                        .areturn()));
        return bytes;
    }

    /**
     * Defines the gate class {@code bytes} ({@link #classBytes}) in {@code hostInSunNioCh}'s
     * package; returns {libraryLookup(Path, Arena), downcallHandle(MemorySegment,
     * FunctionDescriptor, Linker.Option[])}.
     */
    static MethodHandle[] define(Class<?> hostInSunNioCh, byte[] bytes) throws ReflectiveOperationException {
        MethodHandles.Lookup host = MethodHandles.privateLookupIn(hostInSunNioCh, MethodHandles.lookup());
        Class<?> gate;
        try {
            gate = host.defineClass(bytes);
        } catch (LinkageError alreadyDefined) {   // a second agent instance in this JVM
            gate = Class.forName(CLASS_NAME, false, null);
        }
        return new MethodHandle[] {
            host.findStatic(gate, "libraryLookup", MethodType.methodType(SymbolLookup.class, Path.class, Arena.class)),
            host.findStatic(gate, "downcallHandle", MethodType.methodType(MethodHandle.class,
                    MemorySegment.class, FunctionDescriptor.class, Linker.Option[].class))
        };
    }
}
