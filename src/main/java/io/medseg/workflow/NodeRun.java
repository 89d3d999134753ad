package io.medseg.workflow;

import java.util.List;
import java.util.Map;

import io.medseg.node.RunContext;
import io.medseg.node.PortData;

/**
 * What happened to one node in a run: for the run's status file and report.
 *
 * @param outputs  output port name → object (empty unless succeeded)
 * @param error    why it failed (null otherwise)
 * @param messages the log lines it reported
 */
public record NodeRun(String id, String type, String name, Status status, double seconds,
        Map<String, String> settings, Map<String, PortData> outputs, List<String> warnings, List<String> messages,
        List<RunContext.ReportImage> images, String error) {

    public enum Status {
        SUCCEEDED, FAILED, CANCELLED, NOT_RUN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }
}
