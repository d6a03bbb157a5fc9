package dev.scheduler.agent.handler;

import dev.scheduler.agent.JobContext;
import dev.scheduler.agent.JobHandler;
import dev.scheduler.agent.JobTypePlugin;
import dev.scheduler.agent.SchedulerJob;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/** Finds {@link SchedulerJob} methods on the application's beans and registers them. */
public class SchedulerJobMethods implements BeanPostProcessor {

  private final Supplier<HandlerRegistry> registry;

  /** Also registers {@link JobHandler} and {@link JobTypePlugin} beans. */
  public SchedulerJobMethods(Supplier<HandlerRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof JobHandler handler) {
      registry.get().register(handler);
    }
    if (bean instanceof JobTypePlugin plugin) {
      registry.get().register(plugin);
    }
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, SchedulerJob> methods =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<SchedulerJob>)
                method -> AnnotatedElementUtils.findMergedAnnotation(method, SchedulerJob.class));
    methods.forEach(
        (method, annotation) -> {
          String origin = type.getName() + "." + method.getName();
          Class<?>[] parameters = method.getParameterTypes();
          boolean takesContext = parameters.length == 1 && parameters[0] == JobContext.class;
          if (parameters.length > 1 || (parameters.length == 1 && !takesContext)) {
            throw new IllegalStateException(
                "@SchedulerJob method "
                    + origin
                    + " must take no argument or one JobContext, not "
                    + java.util.Arrays.toString(parameters));
          }
          Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
          invocable.setAccessible(true);
          registry
              .get()
              .register(
                  annotation.value(),
                  context ->
                      invoke(
                          bean, invocable, takesContext ? new Object[] {context} : new Object[0]),
                  origin);
        });
    return bean;
  }

  private static Object invoke(Object bean, Method method, Object[] args) throws Exception {
    try {
      return method.invoke(bean, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
