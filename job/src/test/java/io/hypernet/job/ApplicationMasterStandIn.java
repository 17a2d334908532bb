package io.hypernet.job;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import org.apache.spark.SparkUserAppException;

/**
 * What YARN's ApplicationMaster does with the user class in cluster mode (startUserApplication
 * and its shutdown hook), reduced to the final status it reports: it invokes main; a return is
 * SUCCEEDED, a SparkUserAppException FAILED with its exit code, any other throwable FAILED with
 * 15, and a JVM exit before either (System.exit in main) FAILED with EXIT_EARLY, 16.
 */
final class ApplicationMasterStandIn {
  private static volatile String finalStatus;

  private ApplicationMasterStandIn() {}

  public static void main(String[] args) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(
        finalStatus != null ? finalStatus : "final status: FAILED 16 (EXIT_EARLY)")));
    System.setProperty("spark.master", "yarn");
    System.setProperty("spark.submit.deployMode", "cluster");
    System.setProperty("spark.yarn.app.id", "application_1700000000000_0001");
    try {
      Class.forName(args[0]).getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
      finalStatus = "final status: SUCCEEDED 0";
    } catch (InvocationTargetException e) {
      finalStatus = e.getCause() instanceof SparkUserAppException userExit
          ? "final status: FAILED " + userExit.exitCode() : "final status: FAILED 15";
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
