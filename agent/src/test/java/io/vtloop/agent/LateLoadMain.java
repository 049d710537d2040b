package io.vtloop.agent;

import com.sun.tools.attach.VirtualMachine;

/**
 * Child-process main: loads the agent ({@code -Dvtloop.agent.jar}) into itself, as
 * {@code VirtualMachine.loadAgent} or {@code jcmd PID JVMTI.agent_load} would, then prints
 * {@code loaded} and the carrier of a new virtual thread.
 */
public final class LateLoadMain {
    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(System.getProperty("vtloop.agent.jar"));
        } finally {
            vm.detach();
        }
        String[] carrier = new String[1];
        Thread.ofVirtual().start(() -> {
            String me = Thread.currentThread().toString();
            carrier[0] = me.substring(me.indexOf('@') + 1);
        }).join();
        System.out.println("loaded carrier=" + carrier[0]);
    }
}
