package io.vtloop.agent;

import com.sun.tools.attach.VirtualMachine;

import java.util.concurrent.SynchronousQueue;

/**
 * Child-process main: prints vtloop's {@code JvmtiTransitions} state and the live value of the
 * JVM's notification switch, runs hand-offs between virtual threads, and with argument
 * {@code attach} loads an agent into itself afterwards (the JVM then turns the notifications on
 * again), takes a thread dump with a virtual thread parked, and runs the hand-offs again.
 */
public final class JvmtiStateMain {
    public static void main(String[] args) throws Exception {
        Class<?> c = Class.forName("io.vtloop.agent.JvmtiTransitions", false, null);
        System.out.println("state=" + c.getMethod("state").invoke(null));
        System.out.println("notifying=" + c.getMethod("notifying").invoke(null));
        System.out.println("handoffs=" + handOffs(20_000));
        if (args.length > 0 && args[0].equals("attach")) {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
            try {
                vm.loadAgent(System.getProperty("vtloop.agent.jar"));   // refused by vtloop, but a JVMTI env is made
            } finally {
                vm.detach();
            }
            System.out.println("after-attach notifying=" + c.getMethod("notifying").invoke(null));
            SynchronousQueue<String> q = new SynchronousQueue<>();
            Thread parked = Thread.ofVirtual().start(() -> {
                try {
                    q.take();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            while (parked.getState() != Thread.State.WAITING) Thread.onSpinWait();
            StackTraceElement[] st = parked.getStackTrace();
            System.out.println("parked-frames=" + (st.length > 0 && java.util.Arrays.stream(st).anyMatch(e -> e.getMethodName().equals("take"))));
            System.out.println("dump-threads=" + java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(false, false).length);
            q.put("go");
            parked.join();
            System.out.println("handoffs=" + handOffs(20_000));
        }
    }

    /** Round trips of a SynchronousQueue between two virtual threads; returns the count completed. */
    static int handOffs(int n) throws InterruptedException {
        SynchronousQueue<Integer> q = new SynchronousQueue<>();
        int[] got = new int[1];
        Thread a = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < n; i++) q.put(i);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread b = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < n; i++) if (q.take() == i) got[0]++;
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        a.join();
        b.join();
        return got[0];
    }
}
