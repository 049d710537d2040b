package io.vtloop.agent;

import io.vtloop.binding.RestrictedMethods;

import java.lang.classfile.ClassFile;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.function.Function;

import static java.lang.classfile.ClassFile.ACC_FINAL;
import static java.lang.classfile.ClassFile.ACC_PUBLIC;

/**
 * Lets vtloop's FFM binding load its library and bind downcalls without the JDK's
 * "restricted method" warning and without {@code --enable-native-access}.
 *
 * <p>Restricted FFM methods check their caller's module. This class defines, inside
 * {@code java.base} (package {@code sun.nio.ch}, opened to vtloop by the agent), a class that
 * calls {@link SymbolLookup#libraryLookup(Path, Arena)} and
 * {@link Linker#downcallHandle(java.lang.foreign.FunctionDescriptor, Linker.Option...)}; code in
 * {@code java.base} has native access. The class implements {@code java.base}'s {@code Function}
 * ({@link RestrictedMethods#route} says how), and the binding calls an instance of it: an
 * allocated instance used through an interface needs no method handle, each of which spins a
 * class at start-up.
 */
final class NativeAccessGate {
    private NativeAccessGate() { }

    static final String CLASS_NAME = "sun.nio.ch.VtloopNativeGate";

    /** The gate class's bytes (the same for every JDK: the {@link PatchCache} keeps them). */
    static byte[] classBytes() {
        ClassDesc self = ClassDesc.of(CLASS_NAME), cdObject = ClassDesc.of("java.lang.Object");
        ClassDesc cdPath = ClassDesc.of("java.nio.file.Path"), cdArena = ClassDesc.of("java.lang.foreign.Arena");
        ClassDesc cdLookup = ClassDesc.of("java.lang.foreign.SymbolLookup");
        ClassDesc cdLinker = ClassDesc.of("java.lang.foreign.Linker");
        ClassDesc cdFd = ClassDesc.of("java.lang.foreign.FunctionDescriptor");
        ClassDesc cdOptions = ClassDesc.of("java.lang.foreign.Linker$Option").arrayType();
        ClassDesc cdMh = ClassDesc.of("java.lang.invoke.MethodHandle");
        MethodTypeDesc libType = MethodTypeDesc.of(cdLookup, cdPath, cdArena);
        MethodTypeDesc downType = MethodTypeDesc.of(cdMh, cdFd, cdOptions);

        // Object apply(Object a): a is {Path, Arena} (libraryLookup), {FunctionDescriptor,
        // Linker.Option[]} (downcallHandle without an address), or anything else: null
        // (a {MethodType, Boolean} request for a direct handle, which DirectDowncalls answers)
        return ClassFile.of().build(self, cb -> cb
                .withFlags(ACC_PUBLIC | ACC_FINAL)
                .withInterfaceSymbols(ClassDesc.of("java.util.function.Function"))
                .withMethodBody("apply", MethodTypeDesc.of(cdObject, cdObject), ACC_PUBLIC, code -> {
                    Label downcall = code.newLabel(), none = code.newLabel();
                    code.aload(1).checkcast(cdObject.arrayType()).astore(2)
                            .aload(2).iconst_0().aaload().instanceOf(cdPath).ifeq(downcall)
                            .aload(2).iconst_0().aaload().checkcast(cdPath)
                            .aload(2).iconst_1().aaload().checkcast(cdArena)
                            .invokestatic(cdLookup, "libraryLookup", libType, true)
                            .areturn()
                            .labelBinding(downcall)
                            .aload(2).iconst_0().aaload().instanceOf(cdFd).ifeq(none)
                            .invokestatic(cdLinker, "nativeLinker", MethodTypeDesc.of(cdLinker), true)
                            .aload(2).iconst_0().aaload().checkcast(cdFd)
                            .aload(2).iconst_1().aaload().checkcast(cdOptions)
                            .invokeinterface(cdLinker, "downcallHandle", downType)
                            .areturn()
                            .labelBinding(none)
                            .aconst_null()
                            .areturn();
                }));
    }

    /**
     * Defines the gate class {@code bytes} ({@link #classBytes}) in {@code hostInSunNioCh}'s
     * package; returns an instance of it (allocated: the class has no constructor).
     */
    @SuppressWarnings("unchecked")
    static Function<Object[], Object> define(Class<?> hostInSunNioCh, byte[] bytes) throws ReflectiveOperationException {
        MethodHandles.Lookup host = MethodHandles.privateLookupIn(hostInSunNioCh, MethodHandles.lookup());
        Class<?> gate;
        try {
            gate = host.defineClass(bytes);
        } catch (LinkageError alreadyDefined) {   // a second agent instance in this JVM
            gate = Class.forName(CLASS_NAME, false, null);
        }
        return (Function<Object[], Object>) jdk.internal.misc.Unsafe.getUnsafe().allocateInstance(gate);
    }
}
