package io.vtloop.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.ConstantValueAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link JdkContract} against the running JDK and against class files altered on purpose, and
 * the patched class files {@link JdkPatches} builds from them ({@code ClassFile.verify}). Not
 * with the agent: its package-private classes are then the boot loader's.
 */
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class JdkContractTest {

    @Test
    void patchedClassFilesVerify() throws Exception {
        JdkContract contract = JdkContract.ofRunningJdk();
        Map<String, byte[]> patched = new JdkPatches().patchedClassFiles(contract);
        assertEquals(JdkContract.MEMBERS.stream().filter(m -> m.use() == JdkContract.Use.PATCHED)
                .map(JdkContract.Member::owner).distinct().count(), patched.size(), patched.keySet().toString());
        for (var e : patched.entrySet()) {
            var errors = ClassFile.of().verify(e.getValue());
            assertEquals(java.util.List.of(), errors, e.getKey());
            assertFalse(java.util.Arrays.equals(e.getValue(), contract.classFile(e.getKey().replace('.', '/'))), e.getKey());
        }
    }

    /** Every call or field read the patched JDK code makes into vtloop resolves to a public static member of that shape. */
    @Test
    void patchedCodeLinksToHooksThatExist() throws Exception {
        int links = 0;
        for (byte[] bytes : new JdkPatches().patchedClassFiles(JdkContract.ofRunningJdk()).values()) {
            for (MethodModel mm : ClassFile.of().parse(bytes).methods()) {
                if (mm.code().isEmpty()) continue;
                for (var e : mm.code().get()) {
                    if (e instanceof java.lang.classfile.instruction.InvokeInstruction i
                            && i.owner().asInternalName().startsWith("io/vtloop/")) {
                        Class<?> owner = Class.forName(i.owner().asInternalName().replace('/', '.'));
                        var type = java.lang.invoke.MethodType.fromMethodDescriptorString(i.type().stringValue(),
                                getClass().getClassLoader());
                        var m = owner.getMethod(i.name().stringValue(), type.parameterArray());
                        assertEquals(type.returnType(), m.getReturnType(), m.toString());
                        assertTrue(java.lang.reflect.Modifier.isStatic(m.getModifiers())
                                && java.lang.reflect.Modifier.isPublic(owner.getModifiers()), m.toString());
                        links++;
                    } else if (e instanceof java.lang.classfile.instruction.FieldInstruction f
                            && f.owner().asInternalName().startsWith("io/vtloop/")) {
                        var field = Class.forName(f.owner().asInternalName().replace('/', '.')).getField(f.name().stringValue());
                        assertEquals(f.typeSymbol().descriptorString(), field.getType().descriptorString(), field.toString());
                        assertTrue(java.lang.reflect.Modifier.isStatic(field.getModifiers()), field.toString());
                        links++;
                    }
                }
            }
        }
        assertTrue(links >= 20, "links checked: " + links);
    }

    @Test
    void contractHoldsOnThisJdkByShape() {
        assertNull(JdkContract.ofRunningJdk().verify(false));
    }

    @Test
    void thisJdkBuildIsTested() {
        JdkContract contract = JdkContract.ofRunningJdk();
        var rows = new StringBuilder();
        contract.fingerprints().forEach((m, f) -> rows.append("            new Tested(\"").append(Runtime.version())
                .append("\", \"").append(m).append("\", \"").append(f).append("\"),\n"));
        System.out.println("JdkContract.TESTED rows for this JDK (" + System.getProperty("java.vendor") + "):\n" + rows);
        boolean listed = JdkContract.TESTED.stream().anyMatch(t -> t.jdk().equals(Runtime.version().toString()));
        assumeTrue(listed, "JDK " + Runtime.version() + " is not in JdkContract.TESTED: nothing to compare");
        assertNull(contract.verify(true));
        assertEquals(contract.fingerprints().size(), JdkContract.TESTED.stream()
                .filter(t -> t.jdk().equals(Runtime.version().toString())).count());
    }

    @Test
    void fingerprintIgnoresConstantPoolLayoutButNotCode() {
        byte[] original = JdkContract.runningClassFile(JdkContract.VIRTUAL_THREAD);
        // rebuilt without sharing the original constant pool: other indices, same code
        ClassFile fresh = ClassFile.of(ClassFile.ConstantPoolSharingOption.NEW_POOL);
        byte[] reshuffled = fresh.transformClass(fresh.parse(original), ClassTransform.ACCEPT_ALL);
        assertFalse(java.util.Arrays.equals(original, reshuffled));
        var same = new JdkContract(altered(JdkContract.VIRTUAL_THREAD, reshuffled));
        assertEquals(JdkContract.ofRunningJdk().fingerprints(), same.fingerprints());
        var other = new JdkContract(altered(JdkContract.VIRTUAL_THREAD, prependNop(original, "schedule")));
        assertNotEquals(JdkContract.ofRunningJdk().fingerprints(), other.fingerprints());
    }

    @Test
    void alteredCodeIsRefusedUnlessShapeOnly() {
        assumeTrue(JdkContract.ofRunningJdk().verify(true) == null, "this JDK build is not in JdkContract.TESTED");
        byte[] original = JdkContract.runningClassFile(JdkContract.VIRTUAL_THREAD);
        var contract = new JdkContract(altered(JdkContract.VIRTUAL_THREAD, prependNop(original, "schedule")));
        String reason = contract.verify(true);
        assertNotNull(reason);
        assertTrue(reason.startsWith("this JDK does not match vtloop's JDK contract: java.lang.VirtualThread.schedule("), reason);
        assertTrue(reason.contains("not tested") && reason.contains("-Dvtloop.jdkCheck=shape"), reason);
        assertNull(contract.verify(false));
    }

    @Test
    void staticPatchPointMadeInstanceMethodIsRefused() {
        byte[] original = JdkContract.runningClassFile(JdkContract.POLLER);
        byte[] bytes = transformMethod(original, "poll", (cb, mm) -> cb.withMethod(mm.methodName(), mm.methodType(),
                mm.flags().flagsMask() & ~ClassFile.ACC_STATIC, mb -> mm.forEach(me -> {
                    if (!(me instanceof java.lang.classfile.AccessFlags)) mb.with(me);
                })));
        String reason = new JdkContract(altered(JdkContract.POLLER, bytes)).verify(false);
        assertNotNull(reason);
        assertTrue(reason.contains("sun.nio.ch.Poller.poll(IIJLjava/util/function/BooleanSupplier;)V has access flags")
                && reason.contains("expected static"), reason);
    }

    @Test
    void missingFieldOrNativeIsRefused() {
        byte[] selector = JdkContract.runningClassFile(JdkContract.EPOLL_SELECTOR);
        ClassFile cf = ClassFile.of();
        byte[] noEpfd = cf.transformClass(cf.parse(selector),
                ClassTransform.dropping(e -> e instanceof FieldModel f && f.fieldName().equalsString("epfd")));
        String reason = new JdkContract(altered(JdkContract.EPOLL_SELECTOR, noEpfd)).verify(false);
        assertNotNull(reason);
        assertTrue(reason.contains("field sun.nio.ch.EPollSelectorImpl.epfd I not found"), reason);

        byte[] dispatcher = JdkContract.runningClassFile(JdkContract.SOCKET_DISPATCHER);
        byte[] noRead0 = cf.transformClass(cf.parse(dispatcher),
                ClassTransform.dropping(e -> e instanceof MethodModel m && m.methodName().equalsString("read0")));
        reason = new JdkContract(altered(JdkContract.SOCKET_DISPATCHER, noRead0)).verify(false);
        assertNotNull(reason);
        assertTrue(reason.contains("method sun.nio.ch.SocketDispatcher.read0(Ljava/io/FileDescriptor;JI)I not found"), reason);
    }

    @Test
    void changedConstantIsRefused() {
        String ioStatus = "sun/nio/ch/IOStatus";
        ClassFile cf = ClassFile.of();
        byte[] bytes = cf.transformClass(cf.parse(JdkContract.runningClassFile(ioStatus)), (cb, e) -> {
            if (e instanceof FieldModel f && f.fieldName().equalsString("UNAVAILABLE")) {
                cb.withField(f.fieldName(), f.fieldType(), fb -> {
                    fb.withFlags(f.flags().flagsMask());
                    fb.with(ConstantValueAttribute.of(-3));
                });
            } else {
                cb.with(e);
            }
        });
        String reason = new JdkContract(altered(ioStatus, bytes)).verify(false);
        assertEquals("this JDK does not match vtloop's JDK contract: sun.nio.ch.IOStatus.UNAVAILABLE is -3,"
                + " vtloop uses -2", reason);
    }

    @Test
    void unpatchedPollerMethodNeedingTheInitializerIsRefused() {
        byte[] original = JdkContract.runningClassFile(JdkContract.POLLER);
        ClassFile cf = ClassFile.of();
        ClassModel model = cf.parse(original);
        FieldModel pollers = model.fields().stream().filter(f -> f.fieldName().equalsString("POLLERS")).findFirst().orElseThrow();
        ClassDesc type = pollers.fieldTypeSymbol();
        byte[] bytes = cf.transformClass(model, ClassTransform.endHandler(cb -> cb.withMethodBody("pollersForTest",
                MethodTypeDesc.of(type), ClassFile.ACC_STATIC, code -> code
                        .getstatic(model.thisClass().asSymbol(), "POLLERS", type).areturn())));
        String reason = new JdkContract(altered(JdkContract.POLLER, bytes)).verify(false);
        assertNotNull(reason);
        assertTrue(reason.contains("sun.nio.ch.Poller.pollersForTest()") && reason.contains("uses POLLERS"), reason);
    }

    // -- helpers --

    /** The running JDK's class files, but {@code bytes} for {@code internalName}. */
    private static Function<String, byte[]> altered(String internalName, byte[] bytes) {
        return n -> n.equals(internalName) ? bytes : JdkContract.runningClassFile(n);
    }

    private static byte[] prependNop(byte[] classFile, String method) {
        return transformMethod(classFile, method, (cb, mm) -> cb.withMethod(mm.methodName(), mm.methodType(),
                mm.flags().flagsMask(), mb -> mm.forEach(me -> {
                    if (me instanceof CodeModel code) mb.withCode(c -> {
                        c.nop();
                        code.forEach(c::with);
                    });
                    else mb.with(me);
                })));
    }

    private interface MethodEdit {
        void apply(java.lang.classfile.ClassBuilder cb, MethodModel mm);
    }

    private static byte[] transformMethod(byte[] classFile, String method, MethodEdit edit) {
        ClassFile cf = ClassFile.of();
        return cf.transformClass(cf.parse(classFile), (ClassTransform) (cb, e) -> {
            if (e instanceof MethodModel mm && mm.methodName().equalsString(method)) edit.apply(cb, mm);
            else cb.with(e);
        });
    }
}
