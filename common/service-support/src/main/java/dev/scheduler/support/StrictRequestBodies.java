package dev.scheduler.support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import java.util.List;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Request bodies with a field the endpoint does not know are refused (400, naming the field), not
 * read with the field dropped: a user who puts {@code endAt} beside {@code schedule} instead of in
 * it must learn so, not believe the job ends. Only the converters reading this service's requests
 * are strict; the service's clients of other services keep reading answers tolerantly, and so do
 * the contract types that say so ({@code @JsonIgnoreProperties(ignoreUnknown = true)}: agents'
 * heartbeats and lease claims, which agents of a newer release may send).
 */
class StrictRequestBodies implements WebMvcConfigurer {

  @Override
  public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
    for (int i = 0; i < converters.size(); i++) {
      if (converters.get(i) instanceof MappingJackson2HttpMessageConverter json) {
        MappingJackson2HttpMessageConverter strict =
            new MappingJackson2HttpMessageConverter(
                json.getObjectMapper()
                    .copy()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
        strict.setSupportedMediaTypes(json.getSupportedMediaTypes());
        converters.set(i, strict);
      }
    }
  }
}
